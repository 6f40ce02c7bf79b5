import type { JsonRecord, LooseJson } from '@cloud-inventory/testing';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { compileSearch } from '@cloud-inventory/query';
import { inventoryProtoJson } from '../common/proto-http';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { ChangeHistoryService } from './change-history.service';
import { CloudServiceTypeRepository } from './cloud-service-type.repository';
import { CloudServiceTypeService } from './cloud-service-type.service';
import { CLOUD_SERVICE_QUERY_SCHEMA } from './cloud-service.kind';
import { CloudServiceRepository } from './cloud-service.repository';
import { CloudServiceService } from './cloud-service.service';
import { RegionRepository } from './region.repository';
import { RegionService } from './region.service';
import type { RequestScope } from '../common/request-scope';

const scope: RequestScope = { domain_id: 'domain-writes', role: 'DOMAIN_ADMIN', user_id: 'alice@example.com' };
const other: RequestScope = { domain_id: 'domain-elsewhere', role: 'DOMAIN_ADMIN' };

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('CloudService create, update, delete, their change history, and ref_* filters on PostgreSQL', () => {
  let db: MigratedDatabase;
  let services: CloudServiceService;
  let history: ChangeHistoryService;
  let types: CloudServiceTypeService;
  let regions: RegionService;
  const decode = (type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<LooseJson>(`spaceone.api.inventory.v1.${type}`, json);
  const create = (json: Record<string, unknown>, s = scope) => services.create(decode('CreateServiceRequest', json), s);
  const update = (json: Record<string, unknown>) => services.update(decode('UpdateCloudServiceRequest', json), scope);
  const records = (json: Record<string, unknown>, s = scope) => history.list(decode('ChangeHistoryQuery', json), s);

  const VM = {
    name: 'web-1',
    provider: 'aws',
    cloud_service_group: 'EC2',
    cloud_service_type: 'Instance',
    account: '111111111111',
    region_code: 'us-east-1',
    reference: { resource_id: 'i-manual-1' },
    data: { os: { type: 'linux' }, size: 'small' },
    metadata: { view: { table: {} } },
    tags: { Name: 'web-1', env: 'prod' },
  };

  beforeAll(async () => {
    db = await createMigratedDatabase();
    const repository = new CloudServiceRepository(db.dataSource);
    services = new CloudServiceService(repository);
    history = new ChangeHistoryService(db.dataSource, repository);
    types = new CloudServiceTypeService(new CloudServiceTypeRepository(db.dataSource));
    regions = new RegionService(new RegionRepository(db.dataSource));
  });

  afterAll(() => db.close());

  describe('create', () => {
    it('stores a cloud service by hand, tags and metadata under its provider, answers it in the get shape, and records a CREATE by the user', async () => {
      const created = await create(VM);
      expect(created).toMatchObject({
        cloud_service_id: expect.stringMatching(/^cloud-svc-[0-9a-f]{12}$/),
        state: 'ACTIVE',
        tags: { aws: { Name: 'web-1', env: 'prod' } },
        tag_keys: { aws: expect.arrayContaining(['Name', 'env']) },
        metadata: { aws: { view: { table: {} } } },
        data: VM.data,
        reference: { resource_id: 'i-manual-1', external_link: '' },
        collection_info: { collector_id: '', secret_id: '', service_account_id: '', last_collected_at: '' },
        workspace_id: '*',
      });
      expect(await services.get(created.cloud_service_id, scope)).toEqual(created);

      const { results, total_count } = (await records({ cloud_service_id: created.cloud_service_id })) as { results: JsonRecord[]; total_count: number };
      expect(total_count).toBe(1);
      expect(results[0]).toMatchObject({ action: 'CREATE', updated_by: 'USER', user_id: 'alice@example.com', collector_id: '', job_id: '', domain_id: scope.domain_id });
      expect(results[0].diff).toEqual(
        expect.arrayContaining([
          { key: 'name', before: null, after: 'web-1', type: 'ADDED' },
          { key: 'data.os.type', before: null, after: 'linux', type: 'ADDED' },
          { key: 'tags.aws.Name', before: null, after: 'web-1', type: 'ADDED' },
        ]),
      );
      expect(results[0].diff_count).toBe(results[0].diff.length);
      // metadata is never diffed
      expect(results[0].diff.map((entry: { key: string }) => entry.key).filter((key: string) => key.startsWith('metadata'))).toEqual([]);
    });

    it('requires type, group, provider and data, and refuses a second live resource with the same match keys', async () => {
      for (const missing of ['cloud_service_type', 'cloud_service_group', 'provider']) {
        const error = await errorOf(create({ ...VM, reference: { resource_id: `i-${missing}` }, [missing]: '' }));
        expect([error.code, error.message]).toEqual([ErrorCode.REQUIRED_PARAMETER, `Required parameter is missing. (key = ${missing})`]);
      }
      const { data: _data, ...withoutData } = VM;
      expect((await errorOf(create({ ...withoutData, reference: { resource_id: 'i-no-data' } }))).message).toContain('key = data');
      const twice = await errorOf(create(VM));
      expect(twice.code).toBe(ErrorCode.ALREADY_EXISTS);
      expect(twice.message).toMatch(/cloud_service_id = cloud-svc-[0-9a-f]{12}/);
      // without a reference no collect can match it: LooseJson number of them
      const { reference: _reference, ...bare } = VM;
      await create(bare);
      await create(bare);
    });
  });

  describe('update and delete', () => {
    it('replaces fields, merges data, puts tags and metadata in the custom bucket, and records only what a diff shows', async () => {
      const created = await create({ ...VM, reference: { resource_id: 'i-update' } });
      const updated = await update({
        cloud_service_id: created.cloud_service_id,
        name: 'web-renamed',
        data: { size: 'large', extra: [2, 1] },
        tags: { owner: 'me' },
        metadata: { note: 'x' },
      });
      expect(updated).toMatchObject({
        name: 'web-renamed',
        data: { os: { type: 'linux' }, size: 'large', extra: [2, 1] },
        tags: { aws: { Name: 'web-1', env: 'prod' }, custom: { owner: 'me' } },
        tag_keys: { aws: expect.arrayContaining(['Name', 'env']), custom: ['owner'] },
        metadata: { aws: { view: { table: {} } }, custom: { note: 'x' } },
        account: VM.account,
      });
      const [row] = await db.dataSource.query(`SELECT content_hash FROM cloud_service WHERE cloud_service_id = $1`, [created.cloud_service_id]);
      expect(row.content_hash).toBe('');

      // only metadata: nothing a record compares changed
      await update({ cloud_service_id: created.cloud_service_id, metadata: { note: 'y' } });
      const { results } = (await records({ cloud_service_id: created.cloud_service_id })) as { results: JsonRecord[] };
      expect(results.map((r: JsonRecord) => r.action)).toEqual(['UPDATE', 'CREATE']);
      expect(results[0]).toMatchObject({ updated_by: 'USER', diff_count: 4 });
      expect(results[0].diff).toEqual([
        { key: 'name', before: 'web-1', after: 'web-renamed', type: 'CHANGED' },
        { key: 'data.size', before: 'small', after: 'large', type: 'CHANGED' },
        { key: 'data.extra', before: null, after: '[1, 2]', type: 'ADDED' },
        { key: 'tags.custom.owner', before: null, after: 'me', type: 'ADDED' },
      ]);
      expect((await errorOf(update({ cloud_service_id: 'cloud-svc-000000000000', name: 'x' }))).code).toBe(ErrorCode.NOT_FOUND);
    });

    it('soft-deletes with a DELETE record; a DELETED resource cannot be updated or deleted again, and get still shows it', async () => {
      const created = await create({ ...VM, reference: { resource_id: 'i-delete' } });
      await services.delete(created.cloud_service_id, scope);
      const gone = await services.get(created.cloud_service_id, scope);
      expect(gone.state).toBe('DELETED');
      expect(gone.deleted_at).not.toBe('');
      const again = await errorOf(services.delete(created.cloud_service_id, scope));
      expect([again.code, again.message]).toEqual([ErrorCode.RESOURCE_ALREADY_DELETED, `The cloud service is already deleted. (cloud_service_id = ${created.cloud_service_id})`]);
      expect((await errorOf(update({ cloud_service_id: created.cloud_service_id, name: 'x' }))).code).toBe(ErrorCode.RESOURCE_ALREADY_DELETED);
      expect((await errorOf(services.delete(created.cloud_service_id, other))).code).toBe(ErrorCode.NOT_FOUND);
      const { results } = await records({ cloud_service_id: created.cloud_service_id });
      expect(results.map((r: JsonRecord) => [r.action, r.diff, r.diff_count, r.updated_by])).toEqual([
        ['DELETE', [], 0, 'USER'],
        ['CREATE', expect.any(Array), expect.any(Number), 'USER'],
      ]);
      // the resource is gone: a new one with the same keys may be created
      expect((await create({ ...VM, reference: { resource_id: 'i-delete' } })).cloud_service_id).not.toBe(created.cloud_service_id);
    });
  });

  describe('ChangeHistory list and stat', () => {
    it('needs a cloud service the caller may see, filters by action and keyword over the entries, and stats', async () => {
      const created = await create({ ...VM, reference: { resource_id: 'i-history' } });
      await update({ cloud_service_id: created.cloud_service_id, name: 'renamed-once' });
      await update({ cloud_service_id: created.cloud_service_id, data: { os: { type: 'windows' } } });
      const id = created.cloud_service_id;
      expect((await errorOf(records({}))).code).toBe(ErrorCode.REQUIRED_PARAMETER);
      expect((await errorOf(records({ cloud_service_id: id }, other))).code).toBe(ErrorCode.NOT_FOUND);
      const actions = async (json: Record<string, unknown>) => (await records({ cloud_service_id: id, ...json })).results.map((r: JsonRecord) => r.action);
      expect(await actions({})).toEqual(['UPDATE', 'UPDATE', 'CREATE']);
      expect(await actions({ action: 'CREATE' })).toEqual(['CREATE']);
      expect(await actions({ updated_by: 'USER', query: { keyword: 'windows' } })).toEqual(['UPDATE']);
      expect(await actions({ query: { filter: [{ k: 'diff.key', v: 'name', o: 'eq' }] } })).toEqual(['UPDATE', 'CREATE']);
      expect(await actions({ query: { filter: [{ k: 'diff_count', v: 1, o: 'eq' }] } })).toEqual(['UPDATE', 'UPDATE']);
      const stat = await history.stat(
        decode('ChangeHistoryStatQuery', { cloud_service_id: id, query: { aggregate: [{ group: { keys: [{ key: 'action', name: 'action' }], fields: [{ operator: 'count', name: 'n' }] } }, { sort: [{ key: 'action' }] }] } }),
        scope,
      );
      expect(stat).toEqual({ results: [{ action: 'CREATE', n: 1 }, { action: 'UPDATE', n: 2 }] });
      expect((await errorOf(history.stat(decode('ChangeHistoryStatQuery', { cloud_service_id: id }), scope))).code).toBe(ErrorCode.REQUIRED_PARAMETER);
    });
  });

  describe('ref_cloud_service_type.* and ref_region.* filters', () => {
    const ids = async (filter: unknown[]) =>
      (await services.list(decode('CloudServiceQuery', { query: { filter, only: ['name'] }, provider: 'gcp' }), scope)).results.map((r: JsonRecord) => r.name).sort();

    beforeAll(async () => {
      await types.create(decode('CreateCloudServiceTypeRequest', { provider: 'gcp', group: 'Compute', name: 'Instance', is_primary: true, labels: ['Server'] }), scope);
      await types.create(decode('CreateCloudServiceTypeRequest', { provider: 'gcp', group: 'IAM', name: 'Role', labels: ['Management'] }), scope);
      // the same names in another domain, primary there: never joined
      await types.create(decode('CreateCloudServiceTypeRequest', { provider: 'gcp', group: 'IAM', name: 'Role', is_primary: true }), other);
      await regions.create(decode('CreateRegionRequest', { provider: 'gcp', region_code: 'asia-northeast3', name: 'Seoul' }), scope);
      const base = { provider: 'gcp', data: {} };
      await create({ ...base, name: 'vm', cloud_service_group: 'Compute', cloud_service_type: 'Instance', region_code: 'asia-northeast3' });
      await create({ ...base, name: 'role', cloud_service_group: 'IAM', cloud_service_type: 'Role', region_code: 'global' });
      await create({ ...base, name: 'untyped', cloud_service_group: 'Other', cloud_service_type: 'Thing' });
    });

    it('joins the type and region of the same domain, workspace and provider; not/not_in also match a resource without one', async () => {
      expect(await ids([{ k: 'ref_cloud_service_type.is_primary', v: true, o: 'eq' }])).toEqual(['vm']);
      expect(await ids([{ k: 'ref_cloud_service_type.labels', v: 'Server', o: 'eq' }])).toEqual(['vm']);
      expect(await ids([{ k: 'ref_cloud_service_type.labels', v: ['CSPM', 'Management'], o: 'not_in' }])).toEqual(['untyped', 'vm']);
      expect(await ids([{ k: 'ref_cloud_service_type.labels', v: ['CSPM', 'Management'], o: 'in' }])).toEqual(['role']);
      expect(await ids([{ k: 'ref_cloud_service_type.name', v: 'Role', o: 'not' }])).toEqual(['untyped', 'vm']);
      expect(await ids([{ k: 'ref_cloud_service_type.cloud_service_type_key', v: 'gcp.IAM.Role', o: 'eq' }])).toEqual(['role']);
      expect(await ids([{ k: 'ref_region.name', v: 'Seoul', o: 'eq' }])).toEqual(['vm']);
      expect(await ids([{ k: 'ref_region.name', v: 'Seoul', o: 'not' }])).toEqual(['role', 'untyped']);
      const unknown = await errorOf(ids([{ k: 'ref_cloud_service_type.secret', v: 1, o: 'eq' }]));
      expect([unknown.code, unknown.message.includes('ref_cloud_service_type.secret')]).toEqual([ErrorCode.INVALID_PARAMETER, true]);
      expect((await errorOf(services.list(decode('CloudServiceQuery', { query: { sort: [{ key: 'ref_region.name' }] } }), scope))).code).toBe(
        ErrorCode.INVALID_PARAMETER,
      );
      // stat and analyze take them too
      const stat = await services.stat(decode('CloudServiceStatQuery', { query: { filter: [{ k: 'ref_cloud_service_type.is_primary', v: true, o: 'eq' }], aggregate: [{ count: { name: 'n' } }] } }), scope);
      expect(stat).toEqual({ results: [{ n: 1 }] });
    });

    it('probes the type and region through their unique indexes', async () => {
      const compiled = compileSearch(
        CLOUD_SERVICE_QUERY_SCHEMA,
        { filter: [{ k: 'ref_cloud_service_type.is_primary', v: true, o: 'eq' }, { k: 'ref_region.name', v: 'Seoul', o: 'not' }] },
        scope,
      );
      const runner = db.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query('SET LOCAL enable_seqscan = off');
        await runner.query('SET LOCAL enable_hashjoin = off');
        await runner.query('SET LOCAL enable_mergejoin = off');
        const plan = (await runner.query(`EXPLAIN ${compiled.count.text}`, [...compiled.count.values])).map((row: JsonRecord) => row['QUERY PLAN']).join('\n');
        expect(plan).toContain('UQ_cloud_service_type_natural');
        expect(plan).toContain('UQ_region_natural');
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
  });
});
