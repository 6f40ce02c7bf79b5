import { status } from '@grpc/grpc-js';
import { inventoryInvariantViolations, JsonRecord, Stack, startStack, waitForJob } from '@cloud-inventory/testing';

type Json = JsonRecord;

const COUNT = 40;
const CHANGE_EVERY = 10;
const SEED = 3;
const ACCOUNT = '333333333333';
// EC2/Volume is EC2's second type, so not primary; labels are the plugin's categories (Compute, Synthetic, Security, Storage)
const MIX = [
  { cloud_service_group: 'EC2', cloud_service_type: 'Instance' },
  { cloud_service_group: 'EC2', cloud_service_type: 'Volume' },
  { cloud_service_group: 'IAM', cloud_service_type: 'Role' },
  { cloud_service_group: 'S3', cloud_service_type: 'Bucket' },
];
// what a version bump may change in a resource (apps/collector-plugin/README.md): its version, tag, instance type, size and hardware
const VERSIONED = ['data.synthetic.version', 'tags.synthetic.synthetic_version', 'instance_type', 'instance_size', 'data.hardware', 'data.compute.instance_type'];

/**
 * The resource model end to end, on the real apps: types and regions a collect stored, served and
 * written through their APIs; ref_* filters of cloud services; the change history a collect and
 * the CloudService API write; a resource created by hand, then taken over by a collect.
 */
describe('types, regions, change history and manual resources, end to end', () => {
  let stack: Stack;
  let collectorId: string;
  let version = 1;

  const options = () => ({ count: COUNT, seed: SEED, version, change_every: CHANGE_EVERY, mix: MIX });

  async function collect(): Promise<Json> {
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    const job = await waitForJob(stack, started['job_id']);
    expect(job['status']).toBe('SUCCESS');
    return job;
  }

  async function tasksOf(jobId: string): Promise<Json[]> {
    return (await stack.grpc.call<{ results: Json[] }>('JobTask', 'list', { job_id: jobId })).results;
  }

  const byResourceId = async (resourceId: string, state = 'ACTIVE'): Promise<Json> => {
    const { results } = await stack.grpc.call<{ results: Json[] }>('CloudService', 'list', {
      state,
      query: { filter: [{ k: 'reference.resource_id', v: resourceId, o: 'eq' }] },
    });
    expect(results).toHaveLength(1);
    return results[0];
  };

  const count = async (filter: unknown[]) =>
    (await stack.grpc.call<{ total_count: number }>('CloudService', 'list', { provider: 'synthetic', query: { filter, count_only: true } })).total_count;

  const history = async (cloudServiceId: string) =>
    (await stack.grpc.call<{ results: Json[] }>('ChangeHistory', 'list', { cloud_service_id: cloudServiceId })).results;

  const grpcCode = (promise: Promise<unknown>) => promise.then(() => status.OK, (error: { code: number }) => error.code);

  beforeAll(async () => {
    stack = await startStack();
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'resource model e2e',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: options() },
    });
    collectorId = collector['collector_id'];
    await stack.grpc.call('Secret', 'create', { name: 'account', provider: 'synthetic', data: { account_id: ACCOUNT } });
    await collect();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(async () => {
    if (stack) expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });

  describe('cloud service types and regions', () => {
    it('lists and gets the types and regions a collect stored, over gRPC and HTTP, in Cloudforet’s order', async () => {
      const types = await stack.grpc.call<{ results: Json[]; total_count: number }>('CloudServiceType', 'list', { provider: 'synthetic' });
      expect(types.results.map((t) => [t.cloud_service_type_key, t.is_primary])).toEqual([
        ['synthetic.EC2.Instance', true],
        ['synthetic.EC2.Volume', false],
        ['synthetic.IAM.Role', true],
        ['synthetic.S3.Bucket', true],
      ]);
      const instance = types.results[0];
      expect(instance).toMatchObject({ labels: ['Compute'], service_code: 'EC2', is_major: true, workspace_id: '*' });
      expect(await stack.grpc.call('CloudServiceType', 'get', { cloud_service_type_id: instance['cloud_service_type_id'] })).toEqual(instance);

      const regions = await stack.post('/inventory/v1/region/list', { provider: 'synthetic', query: { only: ['name', 'region_code', 'tags'] } });
      expect(regions.status).toBe(200);
      expect(regions.body.total_count).toBe(6);
      expect(regions.body.results[0]).toEqual({ name: expect.any(String), region_code: expect.any(String), tags: expect.objectContaining({ continent: expect.any(String) }), region_id: expect.any(String) });
      const got = await stack.post('/inventory/v1/region/get', { region_id: regions.body.results[0].region_id });
      expect(got.body).toMatchObject({ region_key: `synthetic.${regions.body.results[0].region_code}` });
      const stat = await stack.post('/inventory/v1/cloud-service-type/stat', { query: { distinct: 'group' } });
      expect(stat.body).toEqual({ results: ['EC2', 'IAM', 'S3'] });
    });

    it('creates, updates and deletes types and regions by hand; a collected one cannot be created twice', async () => {
      const created = await stack.post('/inventory/v1/cloud-service-type/create', {
        provider: 'synthetic',
        group: 'Lambda',
        name: 'Function',
        labels: ['Compute'],
        tags: [{ key: 'owner', value: 'platform' }],
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ cloud_service_type_key: 'synthetic.Lambda.Function', tags: { owner: 'platform' }, resource_type: 'inventory.CloudService' });
      const id = created.body.cloud_service_type_id;
      const updated = await stack.grpc.call('CloudServiceType', 'update', { cloud_service_type_id: id, is_primary: true, labels: ['Compute', 'Serverless'] });
      expect(updated).toMatchObject({ is_primary: true, labels: ['Compute', 'Serverless'], tags: { owner: 'platform' } });
      const duplicate = await stack.post('/inventory/v1/cloud-service-type/create', { provider: 'synthetic', group: 'EC2', name: 'Instance' });
      expect(duplicate).toMatchObject({ status: 409, body: { code: 'ERROR_ALREADY_EXISTS' } });
      expect(await grpcCode(stack.grpc.call('CloudServiceType', 'create', { provider: 'synthetic', group: 'EC2', name: 'Instance' }))).toBe(status.ALREADY_EXISTS);
      await stack.grpc.call('CloudServiceType', 'delete', { cloud_service_type_id: id });
      expect(await grpcCode(stack.grpc.call('CloudServiceType', 'get', { cloud_service_type_id: id }))).toBe(status.NOT_FOUND);

      const region = await stack.grpc.call('Region', 'create', { provider: 'synthetic', region_code: 'mars-1', name: 'Mars', tags: { continent: 'space' } });
      expect(region).toMatchObject({ region_key: 'synthetic.mars-1' });
      expect((await stack.post('/inventory/v1/region/update', { region_id: region['region_id'], name: 'Mars One' })).body).toMatchObject({ name: 'Mars One', tags: { continent: 'space' } });
      expect(await grpcCode(stack.grpc.call('Region', 'create', { provider: 'synthetic', region_code: 'mars-1', name: 'again' }))).toBe(status.ALREADY_EXISTS);
      expect((await stack.post('/inventory/v1/region/delete', { region_id: region['region_id'] })).status).toBe(200);
      expect((await stack.post('/inventory/v1/region/get', { region_id: region['region_id'] })).status).toBe(404);
      expect((await stack.post('/inventory/v1/region/create', { provider: 'synthetic', name: 'no code' })).body).toMatchObject({ code: 'ERROR_REQUIRED_PARAMETER' });
    });

    it('filters cloud services through their type and region (ref_cloud_service_type.*, ref_region.*)', async () => {
      const ofType = (type: string) => count([{ k: 'cloud_service_type', v: type, o: 'eq' }]);
      const [instances, volumes, roles, buckets] = await Promise.all(['Instance', 'Volume', 'Role', 'Bucket'].map(ofType));
      expect(instances + volumes + roles + buckets).toBe(COUNT);
      expect(Math.min(instances, volumes, roles, buckets)).toBeGreaterThan(0);
      expect(await count([{ k: 'ref_cloud_service_type.is_primary', v: true, o: 'eq' }])).toBe(COUNT - volumes);
      expect(await count([{ k: 'ref_cloud_service_type.labels', v: ['Security', 'Storage'], o: 'not_in' }])).toBe(instances + volumes);
      expect(await count([{ k: 'ref_cloud_service_type.labels', v: 'Compute', o: 'eq' }])).toBe(instances);
      const regionCode = (await stack.grpc.call<{ results: Json[] }>('Region', 'list', { provider: 'synthetic' })).results[0];
      expect(await count([{ k: 'ref_region.name', v: regionCode['name'], o: 'eq' }])).toBe(await count([{ k: 'region_code', v: regionCode['region_code'], o: 'eq' }]));
      const http = await stack.post('/inventory/v1/cloud-service/stat', {
        query: { filter: [{ k: 'ref_cloud_service_type.is_primary', v: true, o: 'eq' }], aggregate: [{ count: { name: 'n' } }] },
      });
      expect(http.body).toEqual({ results: [{ n: COUNT - volumes }] });
    });
  });

  describe('change history', () => {
    it('records what a collect changed: the changed resources only, with their keys before and after, by the collector and job', async () => {
      const changed = await byResourceId(`syn-${SEED}-0`);
      const unchanged = await byResourceId(`syn-${SEED}-1`);
      const created = await history(changed['cloud_service_id']);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ action: 'CREATE', updated_by: 'COLLECTOR', collector_id: collectorId });
      expect(created[0].diff).toEqual(expect.arrayContaining([{ key: 'reference.resource_id', before: null, after: `syn-${SEED}-0`, type: 'ADDED' }]));

      version = 2;
      await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: options() });
      const job = await collect();
      expect((await tasksOf(job['job_id']))[0]).toMatchObject({ created_count: 0, updated_count: Math.ceil(COUNT / CHANGE_EVERY) });

      const records = await history(changed['cloud_service_id']);
      expect(records.map((r) => [r.action, r.updated_by, r.collector_id, r.job_id])).toEqual([
        ['UPDATE', 'COLLECTOR', collectorId, job['job_id']],
        ['CREATE', 'COLLECTOR', collectorId, created[0].job_id],
      ]);
      const update = records[0];
      expect(update.diff).toEqual(
        expect.arrayContaining([
          { key: 'data.synthetic.version', before: '1', after: '2', type: 'CHANGED' },
          { key: 'tags.synthetic.synthetic_version', before: '1', after: '2', type: 'CHANGED' },
        ]),
      );
      const unexpected = update.diff.filter((entry: Json) => !VERSIONED.some((key) => entry.key === key || entry.key.startsWith(`${key}.`)));
      expect(unexpected).toEqual([]);
      expect(update.diff_count).toBe(update.diff.length);
      // the unchanged resource has its CREATE only
      expect((await history(unchanged['cloud_service_id'])).map((r) => r.action)).toEqual(['CREATE']);
      // over HTTP, with Cloudforet's filters
      const http = await stack.post('/inventory/v1/change-history/list', { cloud_service_id: changed['cloud_service_id'], action: 'UPDATE', query: { keyword: 'synthetic_version' } });
      expect(http.body.results.map((r: Json) => r.record_id)).toEqual([update.record_id]);
      const stat = await stack.post('/inventory/v1/change-history/stat', {
        cloud_service_id: changed['cloud_service_id'],
        query: { aggregate: [{ group: { keys: [{ key: 'action', name: 'action' }], fields: [{ operator: 'count', name: 'n' }] } }, { sort: [{ key: 'action' }] }] },
      });
      expect(stat.body).toEqual({ results: [{ action: 'CREATE', n: 1 }, { action: 'UPDATE', n: 1 }] });
      expect((await stack.post('/inventory/v1/change-history/list', {})).body).toMatchObject({ code: 'ERROR_REQUIRED_PARAMETER' });
    });
  });

  describe('a resource by hand', () => {
    it('is created, updated, taken over by the next collect of the same resource, and deleted, each step in its history', async () => {
      // the collected resource syn-3-5 goes away, and the same resource is typed in by hand
      const collected = await byResourceId(`syn-${SEED}-5`);
      await stack.grpc.call('CloudService', 'delete', { cloud_service_id: collected['cloud_service_id'] });
      const created = await stack.post('/inventory/v1/cloud-service/create', {
        provider: 'synthetic',
        cloud_service_group: collected['cloud_service_group'],
        cloud_service_type: collected['cloud_service_type'],
        account: ACCOUNT,
        name: 'typed in',
        reference: { resource_id: `syn-${SEED}-5` },
        data: { typed: true },
        tags: [{ key: 'owner', value: 'me' }],
        metadata: { note: 'by hand' },
      });
      expect(created.status).toBe(200);
      const id = created.body.cloud_service_id;
      expect(id).not.toBe(collected['cloud_service_id']);
      expect(created.body).toMatchObject({ tags: { synthetic: { owner: 'me' } }, metadata: { synthetic: { note: 'by hand' } }, collection_info: { collector_id: '' } });
      // the same resource twice is refused, not doubled
      const twice = stack.grpc.call('CloudService', 'create', {
        provider: 'synthetic',
        cloud_service_group: collected['cloud_service_group'],
        cloud_service_type: collected['cloud_service_type'],
        account: ACCOUNT,
        reference: { resource_id: `syn-${SEED}-5` },
        data: {},
      });
      expect(await grpcCode(twice)).toBe(status.ALREADY_EXISTS);

      const updated = await stack.grpc.call('CloudService', 'update', { cloud_service_id: id, name: 'typed in, renamed', tags: { reviewed: 'yes' } });
      expect(updated).toMatchObject({ name: 'typed in, renamed', tags: { synthetic: { owner: 'me' }, custom: { reviewed: 'yes' } } });

      const job = await collect();
      expect((await tasksOf(job['job_id']))[0]).toMatchObject({ created_count: 0, updated_count: 1 });
      const takenOver = await stack.grpc.call('CloudService', 'get', { cloud_service_id: id });
      expect(takenOver).toMatchObject({
        name: collected['name'],
        state: 'ACTIVE',
        collection_info: { collector_id: collectorId },
        data: expect.objectContaining({ typed: true, synthetic: expect.any(Object) }),
        // the collect writes its provider's tags; what the user added (custom) stays
        tags: { synthetic: collected['tags']['synthetic'], custom: { reviewed: 'yes' } },
      });
      expect((await byResourceId(`syn-${SEED}-5`))['cloud_service_id']).toBe(id);

      await stack.post('/inventory/v1/cloud-service/delete', { cloud_service_id: id });
      const again = await stack.post('/inventory/v1/cloud-service/delete', { cloud_service_id: id });
      expect(again).toMatchObject({ status: 400, body: { code: 'ERROR_RESOURCE_ALREADY_DELETED' } });
      expect((await stack.grpc.call('CloudService', 'get', { cloud_service_id: id }))['state']).toBe('DELETED');

      const records = await history(id);
      // the user is the token's (aud): the stack's admin token is test-user's
      expect(records.map((r) => [r.action, r.updated_by, r.job_id, r.user_id])).toEqual([
        ['DELETE', 'USER', '', 'test-user'],
        ['UPDATE', 'COLLECTOR', job['job_id'], ''],
        ['UPDATE', 'USER', '', 'test-user'],
        ['CREATE', 'USER', '', 'test-user'],
      ]);
      expect(records[2].diff).toEqual([
        { key: 'name', before: 'typed in', after: 'typed in, renamed', type: 'CHANGED' },
        { key: 'tags.custom.reviewed', before: null, after: 'yes', type: 'ADDED' },
      ]);
      expect(records[1].diff).toEqual(expect.arrayContaining([{ key: 'name', before: 'typed in, renamed', after: collected['name'], type: 'CHANGED' }]));
      // the collected row that was deleted by hand keeps its own history
      expect((await history(collected['cloud_service_id'])).map((r) => r.action)).toEqual(['DELETE', 'CREATE']);
    });
  });
});
