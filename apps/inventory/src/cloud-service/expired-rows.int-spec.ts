import { inventoryV1 } from '@cloud-inventory/proto';
import { inventoryProtoJson } from '../common/proto-http';
import { RequestScope } from '../common/request-scope';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { CloudServiceTypeRepository } from './cloud-service-type.repository';
import { CloudServiceTypeService } from './cloud-service-type.service';
import { RegionRepository } from './region.repository';
import { RegionService } from './region.service';

/**
 * Types and regions that retention marked DELETED (no collect saw them for a while) through the
 * API: gone for list and stat unless the caller filters on state, replaced by a create of the
 * same key, and ACTIVE again when written by hand.
 */
const scope: RequestScope = { domain_id: 'domain-expired', role: 'DOMAIN_ADMIN' };
const STATE_FILTER = { filter: [{ k: 'state', v: 'DELETED', o: 'eq' }] };

describe('expired (DELETED) types and regions through the API', () => {
  let db: MigratedDatabase;
  let types: CloudServiceTypeService;
  let regions: RegionService;
  const decode = <T>(type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<T>(`spaceone.api.inventory.v1.${type}`, json);
  const expire = (table: 'cloud_service_type' | 'region', idColumn: string, id: string) =>
    db.dataSource.query(`UPDATE ${table} SET state = 'DELETED', deleted_at = now() WHERE ${idColumn} = $1`, [id]);

  beforeAll(async () => {
    db = await createMigratedDatabase();
    types = new CloudServiceTypeService(new CloudServiceTypeRepository(db.dataSource));
    regions = new RegionService(new RegionRepository(db.dataSource));
  });

  afterAll(() => db.close());

  it('types: list and stat hide an expired one unless asked by state; a create of its key replaces it; an update by hand revives it', async () => {
    const create = (name: string) =>
      types.create(decode<inventoryV1.CreateCloudServiceTypeRequest>('CreateCloudServiceTypeRequest', { name, group: 'EC2', provider: 'aws' }), scope);
    const list = async (query: Record<string, unknown> = {}) =>
      (await types.list(decode<inventoryV1.CloudServiceTypeQuery>('CloudServiceTypeQuery', { query }), scope)).results.map((r) => r.name).sort();
    const count = async (query: Record<string, unknown> = {}) =>
      (await types.stat(decode<inventoryV1.CloudServiceTypeStatQuery>('CloudServiceTypeStatQuery', { query: { ...query, aggregate: [{ count: { name: 'n' } }] } }), scope)) as unknown as {
        results: { n: number }[];
      };

    const instance = await create('Instance');
    const volume = await create('Volume');
    await expire('cloud_service_type', 'cloud_service_type_id', instance.cloud_service_type_id);
    expect(await list()).toEqual(['Volume']);
    expect((await count()).results).toEqual([{ n: 1 }]);
    expect(await list(STATE_FILTER)).toEqual(['Instance']);
    expect((await count(STATE_FILTER)).results).toEqual([{ n: 1 }]);

    const again = await create('Instance');
    expect(again.cloud_service_type_id).not.toBe(instance.cloud_service_type_id);
    expect(await list()).toEqual(['Instance', 'Volume']);
    expect(await list(STATE_FILTER)).toEqual([]);

    await expire('cloud_service_type', 'cloud_service_type_id', volume.cloud_service_type_id);
    await types.update(decode('UpdateCloudServiceTypeRequest', { cloud_service_type_id: volume.cloud_service_type_id, service_code: 'AmazonEBS' }), scope);
    const [row] = await db.dataSource.query(`SELECT state, deleted_at, updated_by FROM cloud_service_type WHERE cloud_service_type_id = $1`, [volume.cloud_service_type_id]);
    expect(row).toEqual({ state: 'ACTIVE', deleted_at: null, updated_by: 'manual' });
    expect(await list()).toEqual(['Instance', 'Volume']);
  });

  it('regions: the same', async () => {
    const create = (code: string) => regions.create(decode<inventoryV1.CreateRegionRequest>('CreateRegionRequest', { name: code, region_code: code, provider: 'aws' }), scope);
    const list = async (query: Record<string, unknown> = {}) =>
      (await regions.list(decode<inventoryV1.RegionQuery>('RegionQuery', { query }), scope)).results.map((r) => r.region_code).sort();

    const east = await create('us-east-1');
    const west = await create('us-west-2');
    await expire('region', 'region_id', east.region_id);
    expect(await list()).toEqual(['us-west-2']);
    expect(await list(STATE_FILTER)).toEqual(['us-east-1']);
    const again = await create('us-east-1');
    expect(again.region_id).not.toBe(east.region_id);
    expect(await list()).toEqual(['us-east-1', 'us-west-2']);

    await expire('region', 'region_id', west.region_id);
    await regions.update(decode('UpdateRegionRequest', { region_id: west.region_id, name: 'Oregon' }), scope);
    expect(await list()).toEqual(['us-east-1', 'us-west-2']);
  });
});
