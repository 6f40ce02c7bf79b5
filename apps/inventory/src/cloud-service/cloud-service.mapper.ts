import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { CloudServiceEntity } from './cloud-service.entity';

type Buckets = Record<string, unknown>;

/** `{provider: [tag keys]}` of tags stored by provider, as Cloudforet's tag_keys. */
export function tagKeysOf(tags: Buckets | null | undefined): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(tags ?? {}).map(([provider, bucket]) => [provider, bucket && typeof bucket === 'object' && !Array.isArray(bucket) ? Object.keys(bucket) : []]),
  );
}

/** A full CloudServiceInfo (get, create, update): tags and metadata by provider, as stored. */
export function toCloudServiceInfo(row: CloudServiceEntity): inventoryV1.CloudServiceInfo {
  const reference = (row.reference ?? {}) as { resource_id?: string; external_link?: string };
  return {
    cloud_service_id: row.cloud_service_id,
    name: row.name,
    state: row.state,
    ip_addresses: row.ip_addresses ?? [],
    account: row.account,
    instance_type: row.instance_type,
    instance_size: row.instance_size,
    cloud_service_type: row.cloud_service_type,
    cloud_service_group: row.cloud_service_group,
    provider: row.provider,
    data: row.data,
    metadata: row.metadata,
    reference: { resource_id: reference.resource_id ?? '', external_link: reference.external_link ?? '' },
    tags: row.tags,
    tag_keys: tagKeysOf(row.tags),
    collection_info: {
      service_account_id: row.service_account_id,
      secret_id: row.secret_id,
      collector_id: row.collector_id,
      last_collected_at: isoOrEmpty(row.last_collected_at),
    },
    region_code: row.region_code,
    domain_id: row.domain_id,
    workspace_id: row.workspace_id,
    project_id: row.project_id,
    created_at: isoOrEmpty(row.created_at),
    updated_at: isoOrEmpty(row.updated_at),
    deleted_at: isoOrEmpty(row.deleted_at),
  };
}
