import { status } from '@grpc/grpc-js';
import { get, JsonRecord, Stack, startStack, waitForJob } from '@cloud-inventory/testing';

/**
 * The query API end to end, over gRPC and HTTP, on jobs, tasks and cloud services produced by real
 * collects (three processes): the seeds' request examples answer in the documented shapes.
 */

const COUNT = 20;
const JOB_INFO_KEYS = [
  'job_id',
  'status',
  'total_tasks',
  'remained_tasks',
  'success_tasks',
  'failure_tasks',
  'request_secret_id',
  'request_workspace_id',
  'resource_group',
  'domain_id',
  'workspace_id',
  'collector_id',
  'plugin_id',
  'created_at',
  'updated_at',
  'finished_at',
  // ours: how the job was started, and the schedule slot of a scheduled one
  'trigger',
  'scheduled_at',
].sort();

/** The list request example of the reference (§3.1), for our collector. */
const listExample = (collectorId: string) => ({
  collector_id: collectorId,
  query: {
    filter: [
      { k: 'status', v: ['IN_PROGRESS', 'FAILURE'], o: 'in' },
      { k: 'created_at', v: 'now/d - 7d', o: 'timediff_gte' },
    ],
    keyword: 'job-',
    sort: [{ key: 'created_at', desc: true }],
    page: { start: 1, limit: 10 },
    only: ['job_id', 'status', 'total_tasks', 'remained_tasks', 'failure_tasks'],
  },
});

/** The JobTask stat example of the reference (§3.2), for one of our jobs. */
const taskStatExample = (jobId: string) => ({
  query: {
    filter: [{ k: 'job_id', v: jobId, o: 'eq' }],
    aggregate: [
      {
        group: {
          keys: [{ key: 'status', name: 'status' }],
          fields: [
            { operator: 'count', name: 'tasks' },
            { key: 'created_count', operator: 'sum', name: 'created' },
            { key: 'updated_count', operator: 'sum', name: 'updated' },
            { key: 'failure_count', operator: 'sum', name: 'failures' },
            { operator: 'count', name: 'slow', conditions: [{ key: 'updated_count', value: 1000, operator: 'gte' }] },
          ],
        },
      },
      { sort: [{ key: 'tasks', desc: true }] },
    ],
    page: { start: 1, limit: 10 },
  },
});

/** The Job analyze example of the reference (§3.3). */
const ANALYZE_EXAMPLE = {
  query: {
    group_by: ['collector_id', 'status'],
    field_group: ['status'],
    fields: { jobs: { operator: 'count' }, tasks: { key: 'total_tasks', operator: 'sum' } },
    filter: [{ k: 'created_at', v: 'now/d - 30d', o: 'timediff_gte' }],
    sort: [{ key: 'jobs', desc: true }],
    page: { limit: 5 },
  },
};

describe('query API end to end (gRPC and HTTP, jobs from real collects)', () => {
  let stack: Stack;
  let collectorId: string;
  const jobs: JsonRecord[] = [];

  async function collect(options: Record<string, unknown>): Promise<JsonRecord> {
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    return waitForJob(stack, started['job_id']);
  }

  beforeAll(async () => {
    stack = await startStack();
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'synthetic query e2e',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: { count: COUNT, seed: 1 } },
    });
    collectorId = collector['collector_id'];
    for (const account of ['111111111111', '222222222222']) {
      await stack.grpc.call('Secret', 'create', { name: `account ${account}`, provider: 'synthetic', data: { account_id: account } });
    }
    jobs.push(await collect({ count: COUNT, seed: 1 })); // SUCCESS, 2 tasks
    jobs.push(await collect({ count: COUNT, seed: 1, invalid: 1 })); // FAILURE: one invalid resource per task
    jobs.push(await collect({ count: COUNT, seed: 1, version: 2 })); // SUCCESS, updates
    expect(jobs.map((j) => j['status'])).toEqual(['SUCCESS', 'FAILURE', 'SUCCESS']);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('Job list {"query": {}} (the seeds\' example): every job, newest first, in the JobsInfo shape, same over gRPC and HTTP', async () => {
    const overGrpc = await stack.grpc.call('Job', 'list', { query: {} });
    const overHttp = await stack.post('/inventory/v1/job/list', { query: {} });
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual(overGrpc);
    expect(overGrpc['total_count']).toBe(3);
    expect(overGrpc['results'].map((j: { job_id: string }) => j.job_id)).toEqual([...jobs].reverse().map((j) => j['job_id']));
    for (const job of overGrpc['results']) expect(Object.keys(job).sort()).toEqual(JOB_INFO_KEYS);
    expect(overGrpc['results'][0]).toEqual(await stack.grpc.call('Job', 'get', { job_id: jobs[2]['job_id'] }));
    // the older routes of the seeds answer the same
    expect((await stack.post('/inventory/v1/jobs/search', { query: {} })).body).toEqual(overGrpc);
  });

  it('Job list with the reference request (§3.1): the failed job, only the fields asked for plus the sort key', async () => {
    const request = listExample(collectorId);
    const overHttp = await stack.post('/inventory/v1/job/list', request);
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual({
      results: [
        {
          job_id: jobs[1]['job_id'],
          status: 'FAILURE',
          total_tasks: 2,
          remained_tasks: 0,
          failure_tasks: 2,
          created_at: jobs[1]['created_at'],
        },
      ],
      total_count: 1,
    });
    // over gRPC the fields not returned take their proto3 defaults
    const overGrpc = await stack.grpc.call('Job', 'list', request);
    expect(overGrpc['results'][0]).toMatchObject(overHttp.body.results[0]);
    expect(overGrpc['results'][0]).toMatchObject({ plugin_id: '', success_tasks: 0, finished_at: '' });
  });

  it('GET /inventory/v1/jobs?status=SUCCESS (the older route): the typed filters as query parameters', async () => {
    const response = await get(stack.httpUrl, `/inventory/v1/jobs?status=SUCCESS&collector_id=${collectorId}`, { authorization: `Bearer ${stack.token}` });
    expect(response.status).toBe(200);
    expect(response.body.total_count).toBe(2);
    expect(response.body.results.map((j: { status: string }) => j.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect((await get(stack.httpUrl, '/inventory/v1/jobs?status=ERROR', { authorization: `Bearer ${stack.token}` })).body.results.map((j: { job_id: string }) => j.job_id)).toEqual([jobs[1]['job_id']]);
    expect((await get(stack.httpUrl, '/inventory/v1/jobs?status=EXPLODED', { authorization: `Bearer ${stack.token}` })).status).toBe(400);
  });

  it('JobTask stat with the reference request (§3.2): a per-status summary of one job', async () => {
    const request = taskStatExample(jobs[1]['job_id']);
    const overHttp = await stack.post('/inventory/v1/job-task/stat', request);
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual({
      results: [{ status: 'FAILURE', tasks: 2, created: 0, updated: 0, failures: 2, slow: 0 }],
      total_count: 1,
    });
    expect(await stack.grpc.call('JobTask', 'stat', request)).toEqual(overHttp.body);
    const first = await stack.grpc.call('JobTask', 'stat', taskStatExample(jobs[0]['job_id']));
    // each task (one per secret) created its account's COUNT resources
    expect(first).toEqual({ results: [{ status: 'SUCCESS', tasks: 2, created: 2 * COUNT, updated: 0, failures: 0, slow: 0 }], total_count: 1 });
  });

  it('Job analyze with the reference request (§3.3): jobs and tasks per collector pivoted by status', async () => {
    const overHttp = await stack.post('/inventory/v1/job/analyze', ANALYZE_EXAMPLE);
    expect(overHttp.status).toBe(200);
    expect(overHttp.body.more).toBe(false);
    expect(overHttp.body.results).toHaveLength(1);
    const [row] = overHttp.body.results;
    expect(row).toEqual({
      collector_id: collectorId,
      jobs: expect.arrayContaining([
        { value: 2, status: 'SUCCESS' },
        { value: 1, status: 'FAILURE' },
      ]),
      _total_jobs: 3,
      tasks: expect.arrayContaining([
        { value: 4, status: 'SUCCESS' },
        { value: 2, status: 'FAILURE' },
      ]),
      _total_tasks: 6,
    });
    expect(row.jobs).toHaveLength(2);
    expect(await stack.grpc.call('Job', 'analyze', ANALYZE_EXAMPLE)).toEqual(overHttp.body);
  });

  it('Job stat over /job/stat and the older /jobs/stat: always paged, so always a total_count', async () => {
    // daily job counts per status (reference §3.2), with a project stage renaming the keys
    const request = {
      query: {
        aggregate: [
          { group: { keys: [{ key: 'created_at', name: 'date', date_format: '%Y-%m-%d' }, { key: 'status', name: 'status' }], fields: [{ operator: 'count', name: 'count' }, { key: 'total_tasks', operator: 'sum', name: 'tasks' }] } },
          { project: { fields: [{ key: 'date', name: 'day' }, { key: 'status', name: 'status' }, { key: 'count', name: 'jobs' }, { key: 'tasks', name: 'tasks' }], exclude_keys: true } },
          { sort: [{ key: 'day' }, { key: 'status' }] },
        ],
      },
    };
    const today = new Date(jobs[0]['created_at']).toISOString().slice(0, 10);
    const expected = {
      results: [
        { day: today, status: 'FAILURE', jobs: 1, tasks: 2 },
        { day: today, status: 'SUCCESS', jobs: 2, tasks: 4 },
      ],
      total_count: 2,
    };
    expect(await stack.post('/inventory/v1/job/stat', request)).toEqual({ status: 200, body: expected });
    expect(await stack.post('/inventory/v1/jobs/stat', request)).toEqual({ status: 200, body: expected });
    expect(await stack.grpc.call('Job', 'stat', request)).toEqual(expected);
    expect(await stack.grpc.call('Job', 'stat', { query: { distinct: 'status' } })).toEqual({ results: ['FAILURE', 'SUCCESS'], total_count: 2 });
  });

  it('CloudService list/stat/analyze over the collected resources: API keys, default state rule, narrowed rows', async () => {
    const total = 2 * COUNT;
    const listed = await stack.post('/inventory/v1/cloud-service/list', {
      provider: 'synthetic',
      query: {
        filter: [
          { k: 'collection_info.collector_id', v: collectorId, o: 'eq' },
          { k: 'data.hardware.core', v: 1, o: 'gte' },
        ],
        sort: [{ key: 'reference.resource_id' }],
        page: { start: 1, limit: 3 },
        only: ['reference.resource_id', 'account'],
      },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.total_count).toBe(total);
    expect(listed.body.results).toHaveLength(3);
    expect(Object.keys(listed.body.results[0]).sort()).toEqual(['account', 'cloud_service_id', 'reference']);
    expect(listed.body.results[0].reference).toEqual({ resource_id: expect.stringMatching(/^syn-1-/) });

    const stat = { query: { aggregate: [{ group: { keys: [{ key: 'account', name: 'account' }, { key: 'cloud_service_type', name: 'type' }], fields: [{ operator: 'count', name: 'count' }] } }, { sort: [{ key: 'account' }, { key: 'type' }] }] } };
    const overHttp = await stack.post('/inventory/v1/cloud-service/stat', stat);
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual(await stack.grpc.call('CloudService', 'stat', stat));
    expect(overHttp.body.results.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(total);
    expect(new Set(overHttp.body.results.map((r: { account: string }) => r.account))).toEqual(new Set(['111111111111', '222222222222']));

    const analyze = { query: { group_by: ['account'], fields: { resources: { operator: 'count' }, cores: { key: 'data.hardware.core', operator: 'sum' } }, sort: [{ key: 'account' }] } };
    const analyzed = await stack.grpc.call('CloudService', 'analyze', analyze);
    expect(analyzed).toEqual({ results: [expect.objectContaining({ account: '111111111111', resources: COUNT }), expect.objectContaining({ account: '222222222222', resources: COUNT })], more: false });
    expect((await stack.post('/inventory/v1/cloud-service/analyze', analyze)).body).toEqual(analyzed);
  });

  it('keeps every query inside the caller domain: another domain sees nothing, a filter cannot widen it', async () => {
    const elsewhere = await stack.as({ domain: 'domain-elsewhere', role: 'DOMAIN_ADMIN' });
    expect((await elsewhere.post('/inventory/v1/job/list', { query: {} })).body).toEqual({ results: [], total_count: 0 });
    const widened = await elsewhere.post('/inventory/v1/job/list', {
      query: { filter_or: [{ k: 'domain_id', v: ['domain-default', 'domain-elsewhere'], o: 'in' }] },
    });
    expect(widened.body).toEqual({ results: [], total_count: 0 });
    expect((await elsewhere.post('/inventory/v1/cloud-service/stat', { query: { aggregate: [{ count: { name: 'n' } }] } })).body).toEqual({ results: [] });
    // the x-domain-id header names the domain of a system token only: an access token's domain stays its own
    expect((await elsewhere.post('/inventory/v1/job/list', { query: {} }, { 'x-domain-id': 'domain-default' })).body).toEqual({ results: [], total_count: 0 });
  });

  it('answers a bad query with INVALID_ARGUMENT / 400 and Cloudforet\'s "ERROR_…: message"', async () => {
    const bad = { query: { filter: [{ k: 'status', v: 'x', o: 'like' }] } };
    await expect(stack.grpc.call('Job', 'list', bad)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^ERROR_DB_QUERY: /),
    });
    expect(await stack.post('/inventory/v1/job/list', bad)).toMatchObject({ status: 400, body: { code: 'ERROR_DB_QUERY' } });
    const unknownKey = await stack.post('/inventory/v1/cloud-service/list', { query: { filter: [{ k: 'identity_key', v: 'x', o: 'eq' }] } });
    expect(unknownKey).toMatchObject({ status: 400, body: { code: 'ERROR_INVALID_PARAMETER', message: expect.stringContaining('identity_key') } });
    await expect(stack.grpc.call('Job', 'stat', { query: {} })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/^ERROR_REQUIRED_PARAMETER: /) });
    await expect(stack.grpc.call('Job', 'analyze', { query: { group_by: ['status'] } })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});
