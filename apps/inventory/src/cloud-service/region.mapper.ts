import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { RegionEntity } from './region.entity';

export function toRegionInfo(row: RegionEntity): inventoryV1.RegionInfo {
  return {
    region_id: row.region_id,
    name: row.name,
    region_key: `${row.provider}.${row.region_code}`,
    region_code: row.region_code,
    provider: row.provider,
    tags: row.tags ?? {},
    domain_id: row.domain_id,
    workspace_id: row.workspace_id,
    created_at: isoOrEmpty(row.created_at),
    updated_at: isoOrEmpty(row.updated_at),
  };
}
