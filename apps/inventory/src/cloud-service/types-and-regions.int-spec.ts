import type { LooseJson } from '@cloud-inventory/testing';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { inventoryProtoJson } from '../common/proto-http';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { CloudServiceTypeRepository } from './cloud-service-type.repository';
import { CloudServiceTypeService } from './cloud-service-type.service';
import { RegionRepository } from './region.repository';
import { RegionService } from './region.service';

const scope = { domain_id: 'domain-catalog', role: 'DOMAIN_ADMIN' as const };
const other = { domain_id: 'domain-other', role: 'DOMAIN_ADMIN' as const };

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('CloudServiceType and Region services on PostgreSQL', () => {
  let db: MigratedDatabase;
  let types: CloudServiceTypeService;
  let regions: RegionService;
  // requests as the gRPC and HTTP edges hand them over: decoded against the .proto types
  const decode = (type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<LooseJson>(`spaceone.api.inventory.v1.${type}`, json);

  beforeAll(async () => {
    db = await createMigratedDatabase();
    types = new CloudServiceTypeService(new CloudServiceTypeRepository(db.dataSource));
    regions = new RegionService(new RegionRepository(db.dataSource));
  });

  afterAll(() => db.close());

  describe('CloudServiceType', () => {
    const create = (json: Record<string, unknown>, s = scope) => types.create(decode('CreateCloudServiceTypeRequest', json), s);

    it('creates a type by hand with Cloudforet defaults and its key, and refuses a second one of the same provider, group and name', async () => {
      const created = await create({ name: 'Instance', group: 'EC2', provider: 'aws', is_primary: true, labels: ['Compute', 'Server'], tags: { a: '1' } });
      expect(created).toMatchObject({
        cloud_service_type_id: expect.stringMatching(/^cloud-svc-type-[0-9a-f]{12}$/),
        cloud_service_type_key: 'aws.EC2.Instance',
        resource_type: 'inventory.CloudService',
        is_primary: true,
        is_major: false,
        labels: ['Compute', 'Server'],
        tags: { a: '1' },
        metadata: {},
        domain_id: scope.domain_id,
        workspace_id: '*',
      });
      const [row] = await db.dataSource.query(`SELECT updated_by, identity_key FROM cloud_service_type WHERE cloud_service_type_id = $1`, [created.cloud_service_type_id]);
      expect(row.updated_by).toBe('manual');
      expect(row.identity_key).toMatch(/^[0-9a-f]{32}$/);

      const twice = await errorOf(create({ name: ' Instance ', group: 'EC2', provider: 'aws' }));
      expect(twice.code).toBe(ErrorCode.ALREADY_EXISTS);
      expect(twice.message).toContain('provider = aws, group = EC2, name = Instance');
      // another domain is another namespace
      expect((await create({ name: 'Instance', group: 'EC2', provider: 'aws' }, other)).domain_id).toBe(other.domain_id);
    });

    it('requires name, group and provider', async () => {
      for (const missing of ['name', 'group', 'provider']) {
        const request = { name: 'X', group: 'G', provider: 'p', [missing]: '  ' };
        const error = await errorOf(create(request));
        expect(error.code).toBe(ErrorCode.REQUIRED_PARAMETER);
        expect(error.message).toContain(`key = ${missing}`);
      }
    });

    it('updates the given fields whole, by hand, and can unset is_primary; name, group and provider stay', async () => {
      const created = await create({ name: 'Bucket', group: 'S3', provider: 'aws', is_primary: true, metadata: { view: { a: 1 } }, tags: { a: '1', b: '2' } });
      await db.dataSource.query(`UPDATE cloud_service_type SET updated_by = 'collector-1', content_hash = 'h' WHERE cloud_service_type_id = $1`, [
        created.cloud_service_type_id,
      ]);
      const updated = await types.update(
        decode('UpdateCloudServiceTypeRequest', { cloud_service_type_id: created.cloud_service_type_id, is_primary: false, tags: { c: '3' }, metadata: { view: { b: 2 } } }),
        scope,
      );
      expect(updated).toMatchObject({ name: 'Bucket', is_primary: false, tags: { c: '3' }, metadata: { view: { b: 2 } }, labels: [] });
      // a field the request leaves out stays
      const again = await types.update(decode('UpdateCloudServiceTypeRequest', { cloud_service_type_id: created.cloud_service_type_id, service_code: 'AmazonS3' }), scope);
      expect(again).toMatchObject({ is_primary: false, service_code: 'AmazonS3', tags: { c: '3' } });
      const [row] = await db.dataSource.query(`SELECT updated_by, content_hash FROM cloud_service_type WHERE cloud_service_type_id = $1`, [created.cloud_service_type_id]);
      expect(row).toEqual({ updated_by: 'manual', content_hash: '' });
      expect((await errorOf(types.update(decode('UpdateCloudServiceTypeRequest', { cloud_service_type_id: 'cloud-svc-type-000000000000' }), scope))).code).toBe(
        ErrorCode.NOT_FOUND,
      );
    });

    it('lists by provider, group, name with the shortcut filters (is_primary false too), minimal fields, and stats', async () => {
      await create({ name: 'Volume', group: 'EC2', provider: 'aws' });
      await create({ name: 'Instance', group: 'ComputeEngine', provider: 'google_cloud', is_primary: true });
      const all = await types.list(decode('CloudServiceTypeQuery', {}), scope);
      expect(all.results.map((t) => t.cloud_service_type_key)).toEqual(['aws.EC2.Instance', 'aws.EC2.Volume', 'aws.S3.Bucket', 'google_cloud.ComputeEngine.Instance']);
      expect(all.total_count).toBe(4);
      expect(all.results[0]).toEqual(await types.get(decode('CloudServiceTypeRequest', { cloud_service_type_id: all.results[0].cloud_service_type_id }), scope));
      const keys = (json: Record<string, unknown>) => types.list(decode('CloudServiceTypeQuery', json), scope).then((r) => r.results.map((t) => t.cloud_service_type_key));
      expect(await keys({ provider: 'aws', group: 'EC2' })).toEqual(['aws.EC2.Instance', 'aws.EC2.Volume']);
      expect(await keys({ is_primary: true })).toEqual(['aws.EC2.Instance', 'google_cloud.ComputeEngine.Instance']);
      expect(await keys({ is_primary: false })).toEqual(['aws.EC2.Volume', 'aws.S3.Bucket']);
      expect(await keys({ cloud_service_type_key: 'aws.S3.Bucket' })).toEqual(['aws.S3.Bucket']);
      expect(await keys({ query: { keyword: 'volu' } })).toEqual(['aws.EC2.Volume']);
      expect(await keys({ query: { filter: [{ k: 'labels', v: 'Server', o: 'eq' }] } })).toEqual(['aws.EC2.Instance']);
      expect(await keys({ workspace_id: 'ws-elsewhere' })).toEqual([]);
      const minimal = await types.list(decode('CloudServiceTypeQuery', { query: { minimal: true, page: { limit: 1 } } }), scope);
      expect(Object.keys(minimal.results[0]).sort()).toEqual(
        ['cloud_service_type_id', 'name', 'provider', 'group', 'service_code', 'is_primary', 'is_major', 'resource_type'].sort(),
      );
      expect(await types.stat(decode('CloudServiceTypeStatQuery', { query: { distinct: 'provider' } }), scope)).toEqual({ results: ['aws', 'google_cloud'] });
    });

    it('deletes for good; get and delete then answer NOT_FOUND, as does another domain', async () => {
      const created = await create({ name: 'Gone', group: 'X', provider: 'aws' });
      const request = decode('CloudServiceTypeRequest', { cloud_service_type_id: created.cloud_service_type_id });
      expect((await errorOf(types.get(request, other))).code).toBe(ErrorCode.NOT_FOUND);
      expect((await errorOf(types.delete(request, other))).code).toBe(ErrorCode.NOT_FOUND);
      await types.delete(request, scope);
      expect((await errorOf(types.get(request, scope))).code).toBe(ErrorCode.NOT_FOUND);
      expect((await errorOf(types.delete(request, scope))).code).toBe(ErrorCode.NOT_FOUND);
      expect((await errorOf(types.get(decode('CloudServiceTypeRequest', {}), scope))).code).toBe(ErrorCode.REQUIRED_PARAMETER);
    });
  });

  describe('Region', () => {
    const create = (json: Record<string, unknown>) => regions.create(decode('CreateRegionRequest', json), scope);

    it('creates, refuses a duplicate code of a provider, lists by name with shortcut filters, updates name and tags, deletes', async () => {
      const seoul = await create({ name: 'Seoul', region_code: 'ap-northeast-2', provider: 'aws', tags: { continent: 'asia' } });
      expect(seoul).toMatchObject({ region_id: expect.stringMatching(/^region-[0-9a-f]{12}$/), region_key: 'aws.ap-northeast-2', tags: { continent: 'asia' } });
      expect((await errorOf(create({ name: 'Seoul 2', region_code: 'ap-northeast-2', provider: 'aws' }))).code).toBe(ErrorCode.ALREADY_EXISTS);
      await create({ name: 'N. Virginia', region_code: 'us-east-1', provider: 'aws' });
      await create({ name: 'Iowa', region_code: 'us-central1', provider: 'google_cloud' });
      for (const missing of ['name', 'region_code', 'provider']) {
        expect((await errorOf(create({ name: 'a', region_code: 'b', provider: 'c', [missing]: '' }))).code).toBe(ErrorCode.REQUIRED_PARAMETER);
      }

      const names = (json: Record<string, unknown>) => regions.list(decode('RegionQuery', json), scope).then((r) => r.results.map((x) => x.name));
      expect(await names({})).toEqual(['Iowa', 'N. Virginia', 'Seoul']);
      expect(await names({ provider: 'aws' })).toEqual(['N. Virginia', 'Seoul']);
      expect(await names({ region_key: 'aws.us-east-1' })).toEqual(['N. Virginia']);
      expect(await names({ query: { filter: [{ k: 'region_code', v: 'global', o: 'not' }, { k: 'tags.continent', v: 'asia', o: 'eq' }] } })).toEqual(['Seoul']);
      const minimal = await regions.list(decode('RegionQuery', { query: { minimal: true } }), scope);
      expect(Object.keys(minimal.results[0]).sort()).toEqual(['name', 'provider', 'region_code', 'region_id']);

      const updated = await regions.update(decode('UpdateRegionRequest', { region_id: seoul.region_id, name: 'Asia Pacific (Seoul)', tags: { latitude: '37.5' } }), scope);
      expect(updated).toMatchObject({ name: 'Asia Pacific (Seoul)', region_code: 'ap-northeast-2', tags: { latitude: '37.5' } });
      expect(await regions.stat(decode('RegionStatQuery', { query: { aggregate: [{ count: { name: 'n' } }] } }), scope)).toEqual({ results: [{ n: 3 }] });

      await regions.delete(decode('RegionRequest', { region_id: seoul.region_id }), scope);
      expect((await errorOf(regions.get(decode('RegionRequest', { region_id: seoul.region_id }), scope))).code).toBe(ErrorCode.NOT_FOUND);
      expect(await names({})).toEqual(['Iowa', 'N. Virginia']);
    });
  });
});
