import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { CloudServiceTypeEntity } from './cloud-service-type.entity';

export function toCloudServiceTypeInfo(row: CloudServiceTypeEntity): inventoryV1.CloudServiceTypeInfo {
  return {
    cloud_service_type_id: row.cloud_service_type_id,
    name: row.name,
    provider: row.provider,
    group: row.group,
    cloud_service_type_key: `${row.provider}.${row.group}.${row.name}`,
    service_code: row.service_code,
    is_primary: row.is_primary,
    is_major: row.is_major,
    resource_type: row.resource_type,
    metadata: row.metadata ?? {},
    tags: row.tags ?? {},
    labels: row.labels ?? [],
    domain_id: row.domain_id,
    workspace_id: row.workspace_id,
    created_at: isoOrEmpty(row.created_at),
    updated_at: isoOrEmpty(row.updated_at),
  };
}
