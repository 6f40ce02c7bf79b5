import { status } from '@grpc/grpc-js';
import { Client } from 'pg';
import { inventoryInvariantViolations, JsonRecord, LooseJson, Stack, startStack, waitFor, waitForJob } from '@cloud-inventory/testing';

/**
 * The lifecycle calls of secrets and collectors over the wire, each over gRPC and over HTTP, each
 * checked by its effect on what a collect does (the synthetic plugin turns secret_data.account_id
 * into every resource's account, so the accounts stored show what the plugin received).
 */

const COUNT = 12;
const LEAK = 'value-that-must-not-leak';

describe('secrets and collectors over the wire (gRPC and HTTP)', () => {
  let stack: Stack;
  let seed = 100;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(async () => {
    if (stack) expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });

  /** POST over HTTP that must answer 200; returns the body. */
  async function http(path: string, body: unknown): Promise<LooseJson> {
    const response = await stack.post(path, body);
    expect({ path, status: response.status, body: response.status === 200 ? undefined : response.body }).toEqual({ path, status: 200, body: undefined });
    return response.body;
  }


  /** A secret for the account (its name does not say which: answers must not show the data). */
  async function createSecret(account: string): Promise<string> {
    seed += 1;
    const secret = await stack.grpc.call('Secret', 'create', { name: `secret ${seed}`, provider: 'synthetic', data: { account_id: account, api_key: LEAK } });
    return secret['secret_id'];
  }

  /** A synthetic collector that collects with exactly these secrets (its secret filter), resources of its own seed. */
  async function createCollector(secretIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
    seed += 1;
    const collector = await stack.grpc.call('Collector', 'create', {
      name: `collector ${seed}`,
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: COUNT, seed, include_types: false, ...extra } },
      secret_filter: { state: 'ENABLED', secrets: secretIds },
    });
    return collector['collector_id'];
  }

  async function collect(collectorId: string, secretId?: string): Promise<{ job: JsonRecord; tasks: JsonRecord[] }> {
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId, ...(secretId ? { secret_id: secretId } : {}) });
    const job = await waitForJob(stack, started['job_id']);
    const { results } = await stack.grpc.call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: job['job_id'] });
    return { job, tasks: results };
  }

  /** The accounts of a collector's cloud services in a state, sorted: what the plugin was given as secret data. */
  async function accounts(collectorId: string, state = 'ACTIVE'): Promise<string[]> {
    const { results } = await stack.grpc.call<{ results: { account: string }[] }>('CloudService', 'list', {
      state,
      query: { filter: [{ k: 'collection_info.collector_id', v: collectorId, o: 'eq' }], only: ['account'] },
    });
    return [...new Set(results.map((r) => r.account))].sort();
  }

  async function countCloudServices(collectorId: string): Promise<number> {
    const { total_count } = await stack.grpc.call('CloudService', 'list', {
      query: { filter: [{ k: 'collection_info.collector_id', v: collectorId, o: 'eq' }], count_only: true },
    });
    return total_count;
  }

  /** The job's tasks. */
  const tasksOf = async (jobId: string) => (await stack.grpc.call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: jobId })).results;

  /** Waits until the job's first task has written something (its stream is running). */
  async function untilWriting(jobId: string): Promise<void> {
    await waitFor(`job ${jobId} to write`, async () => ((await tasksOf(jobId))[0]?.['created_count'] > 0 ? true : undefined), 30_000);
  }

  it('supersedes the running job on a second collect (COLLECT_WHEN_RUNNING=supersede, the default): the older job ends CANCELED with exact counters, its stream is cancelled, it disconnects nothing; the new job runs', async () => {
    const secretId = await createSecret('300000000001');
    // about 4 s of stream (one message every 500 ms): the job is still running when it is superseded
    const collectorId = await createCollector([secretId], { count: 8, delay_ms: 500 });
    const first = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    expect(first['status']).toBe('IN_PROGRESS');
    await untilWriting(first['job_id']);

    const second = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    expect(second).toMatchObject({ status: 'IN_PROGRESS', collector_id: collectorId });
    expect(second['job_id']).not.toBe(first['job_id']);
    // the older job is CANCELED in the same transaction that created the new one: no wait
    const canceled = await stack.grpc.call('Job', 'get', { job_id: first['job_id'] });
    expect(canceled).toMatchObject({ status: 'CANCELED', remained_tasks: 0, success_tasks: 0, failure_tasks: 1 });
    expect(canceled['finished_at']).not.toBe('');
    const [task] = await tasksOf(first['job_id']);
    expect(task).toMatchObject({ status: 'CANCELED', disconnected_count: 0, deleted_count: 0 });
    expect(task['created_count']).toBeGreaterThan(0);
    expect(task['created_count']).toBeLessThan(8);
    expect(task['errors']).toEqual([
      { error_code: 'ERROR_COLLECT_CANCELED', message: `The job was superseded by job ${second['job_id']}, a new collect of the same collector.`, additional: {} },
    ]);
    // the plugin saw its stream cancelled (the worker was told by NOTIFY) long before its 8 messages
    const cancelledStream = () =>
      stack.collectorPlugin
        .log()
        .split('\n')
        .find((line) => line.includes(task['job_task_id']) && line.includes('collect cancelled'));
    await waitFor('the plugin to see the stream cancelled', async () => cancelledStream());
    expect(JSON.parse(cancelledStream()!).messages).toBeLessThan(8);

    // over HTTP too: a third collect supersedes the second
    const third = await stack.post('/inventory/v1/collector/collect', { collector_id: collectorId });
    expect(third).toMatchObject({ status: 200, body: { status: 'IN_PROGRESS' } });
    expect((await stack.grpc.call('Job', 'get', { job_id: second['job_id'] }))['status']).toBe('CANCELED');
    const done = await waitForJob(stack, third.body['job_id']);
    expect(done).toMatchObject({ status: 'SUCCESS', total_tasks: 1, success_tasks: 1 });
    expect(await countCloudServices(collectorId)).toBe(8);
    expect(await accounts(collectorId, 'DISCONNECTED')).toEqual([]);
    expect((await stack.grpc.call('Job', 'list', { collector_id: collectorId }))['total_count']).toBe(3);
  });

  it('Secret.update renames and retags a secret over gRPC and HTTP; the answers never carry the data', async () => {
    const secretId = await createSecret('300000000002');
    const overGrpc = await stack.grpc.call('Secret', 'update', { secret_id: secretId, name: 'renamed over gRPC', tags: { team: 'grpc' } });
    expect(overGrpc).toMatchObject({ secret_id: secretId, name: 'renamed over gRPC', tags: { team: 'grpc' } });
    expect(await stack.grpc.call('Secret', 'get', { secret_id: secretId })).toMatchObject({ name: 'renamed over gRPC', tags: { team: 'grpc' } });

    const overHttp = await http('/secret/v1/secret/update', { secret_id: secretId, name: 'renamed over HTTP', tags: { team: 'http' } });
    expect(overHttp).toMatchObject({ secret_id: secretId, name: 'renamed over HTTP', tags: { team: 'http' } });
    const listed = await http('/secret/v1/secret/list', { name: 'renamed over HTTP' });
    expect(listed).toMatchObject({ total_count: 1, results: [{ secret_id: secretId, tags: { team: 'http' } }] });

    for (const answer of [overGrpc, overHttp, listed]) {
      expect(JSON.stringify(answer)).not.toContain(LEAK);
      expect(JSON.stringify(answer)).not.toContain('300000000002');
    }
  });

  it('Secret.update_data changes the data the plugin receives, over gRPC and HTTP, and the data never comes back', async () => {
    const secretId = await createSecret('300000000003');
    const collectorId = await createCollector([secretId]);
    await collect(collectorId);
    expect(await accounts(collectorId)).toEqual(['300000000003']);

    const overGrpc = await stack.grpc.call('Secret', 'update_data', { secret_id: secretId, data: { account_id: '300000000004', api_key: `${LEAK}-2` } });
    expect(overGrpc).toEqual({});
    const second = await collect(collectorId);
    expect(second.tasks).toMatchObject([{ status: 'SUCCESS', created_count: COUNT, disconnected_count: COUNT }]);
    expect(await accounts(collectorId)).toEqual(['300000000004']);

    const overHttp = await stack.post('/secret/v1/secret/update-data', { secret_id: secretId, data: { account_id: '300000000005', api_key: `${LEAK}-3` } });
    expect(overHttp).toEqual({ status: 200, body: {} });
    await collect(collectorId);
    expect(await accounts(collectorId)).toEqual(['300000000005']);
    expect(await accounts(collectorId, 'DISCONNECTED')).toEqual(['300000000003', '300000000004']);

    // what the secret looks like afterwards, over both: no data, no value of it
    const answers = [
      await stack.grpc.call('Secret', 'get', { secret_id: secretId }),
      await http('/secret/v1/secret/get', { secret_id: secretId }),
      await http('/secret/v1/secret/list', { secret_id: secretId }),
    ];
    for (const answer of answers) {
      expect(JSON.stringify(answer)).not.toMatch(/value-that-must-not-leak|30000000000[345]/);
      expect(answer).not.toHaveProperty('data');
    }
    expect(stack.inventory.log()).not.toContain(LEAK);
  });

  it('Secret.disable keeps a secret out of collects until Secret.enable, over gRPC and HTTP', async () => {
    const first = await createSecret('300000000006');
    const second = await createSecret('300000000007');
    const collectorId = await createCollector([first, second]);
    const secretsOf = (tasks: JsonRecord[]) => tasks.map((t) => t['secret_id']).sort();

    expect(await stack.grpc.call('Secret', 'disable', { secret_id: second })).toMatchObject({ secret_id: second, state: 'DISABLED' });
    expect(secretsOf((await collect(collectorId)).tasks)).toEqual([first]);
    // a collect that names the disabled secret is refused, and writes nothing
    await expect(stack.grpc.call('Collector', 'collect', { collector_id: collectorId, secret_id: second })).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: expect.stringContaining('must be enabled'),
    });
    expect(await accounts(collectorId)).toEqual(['300000000006']);

    expect(await http('/secret/v1/secret/enable', { secret_id: second })).toMatchObject({ secret_id: second, state: 'ENABLED' });
    expect(await http('/secret/v1/secret/disable', { secret_id: first })).toMatchObject({ secret_id: first, state: 'DISABLED' });
    expect((await http('/secret/v1/secret/list', { state: 'DISABLED', secret_id: first }))['total_count']).toBe(1);
    expect(secretsOf((await collect(collectorId)).tasks)).toEqual([second]);

    expect(await stack.grpc.call('Secret', 'enable', { secret_id: first })).toMatchObject({ state: 'ENABLED' });
    const both = await collect(collectorId);
    expect(secretsOf(both.tasks)).toEqual([first, second].sort());
    expect(await accounts(collectorId)).toEqual(['300000000006', '300000000007']);
  });

  it('Secret.delete removes a secret over gRPC and HTTP: gone from get, list and collects; what it collected stays', async () => {
    const [first, second, third] = [await createSecret('300000000008'), await createSecret('300000000009'), await createSecret('300000000010')];
    const collectorId = await createCollector([first, second, third]);
    expect((await collect(collectorId)).tasks).toHaveLength(3);

    expect(await stack.grpc.call('Secret', 'delete', { secret_id: first })).toEqual({});
    await expect(stack.grpc.call('Secret', 'get', { secret_id: first })).rejects.toMatchObject({ code: status.NOT_FOUND });
    expect(await http('/secret/v1/secret/delete', { secret_id: second })).toEqual({});
    expect((await stack.post('/secret/v1/secret/get', { secret_id: second })).status).toBe(404);
    expect((await stack.post('/secret/v1/secret/delete', { secret_id: second })).status).toBe(404);
    expect((await http('/secret/v1/secret/list', { query: { filter: [{ k: 'secret_id', v: [first, second, third], o: 'in' }] } }))['results'].map((s: { secret_id: string }) => s.secret_id)).toEqual([third]);

    const after = await collect(collectorId);
    expect(after.tasks.map((t) => t['secret_id'])).toEqual([third]);
    expect(after.tasks[0]).toMatchObject({ created_count: 0, disconnected_count: 0 });
    // the deleted secrets' resources are kept as they were
    expect(await accounts(collectorId)).toEqual(['300000000008', '300000000009', '300000000010']);
  });

  it('Collector.delete of a collector with jobs deletes its jobs and their tasks and keeps its resources, over gRPC and HTTP', async () => {
    const collectors: { collectorId: string; jobs: string[]; tasks: string[] }[] = [];
    for (const account of ['300000000011', '300000000012']) {
      const collectorId = await createCollector([await createSecret(account)]);
      const jobs = [(await collect(collectorId)).job['job_id'], (await collect(collectorId)).job['job_id']];
      const tasks = (await stack.grpc.call('JobTask', 'list', { query: { filter: [{ k: 'job_id', v: jobs, o: 'in' }] } }))['results'].map(
        (t: { job_task_id: string }) => t.job_task_id,
      );
      expect(tasks).toHaveLength(2);
      collectors.push({ collectorId, jobs, tasks });
    }
    const database = new Client({ connectionString: stack.databaseUrl });
    await database.connect();
    const stored = async (collectorId: string) =>
      (
        await database.query(
          `SELECT (SELECT count(*) FROM job WHERE collector_id = $1)::int AS jobs,
                  (SELECT count(*) FROM job_task WHERE collector_id = $1)::int AS tasks,
                  (SELECT count(*) FROM task_queue q JOIN job_task t USING (job_task_id) WHERE t.collector_id = $1)::int AS queued`,
          [collectorId],
        )
      ).rows[0];
    const gone = async ({ collectorId, jobs, tasks }: (typeof collectors)[number]) => {
      await expect(stack.grpc.call('Collector', 'get', { collector_id: collectorId })).rejects.toMatchObject({ code: status.NOT_FOUND });
      expect((await stack.grpc.call('Job', 'list', { collector_id: collectorId }))['total_count']).toBe(0);
      for (const jobId of jobs) expect((await stack.post('/inventory/v1/job/get', { job_id: jobId })).status).toBe(404);
      for (const taskId of tasks) expect((await stack.post('/inventory/v1/job-task/get', { job_task_id: taskId })).status).toBe(404);
      expect(await stored(collectorId)).toEqual({ jobs: 0, tasks: 0, queued: 0 });
      expect(await countCloudServices(collectorId)).toBe(COUNT);
    };
    try {
      const [overGrpc, overHttp] = collectors;
      expect(await stack.grpc.call('Collector', 'delete', { collector_id: overGrpc.collectorId })).toEqual({});
      await gone(overGrpc);
      // the other collector keeps everything
      expect(await stored(overHttp.collectorId)).toEqual({ jobs: 2, tasks: 2, queued: 0 });

      expect(await http('/inventory/v1/collector/delete', { collector_id: overHttp.collectorId })).toEqual({});
      await gone(overHttp);
      await expect(stack.grpc.call('Collector', 'delete', { collector_id: overHttp.collectorId })).rejects.toMatchObject({ code: status.NOT_FOUND });
    } finally {
      await database.end();
    }
  });
});

describe('COLLECT_WHEN_RUNNING=refuse', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ inventoryEnv: { COLLECT_WHEN_RUNNING: 'refuse' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a second collect while the job runs (FAILED_PRECONDITION / 409 ERROR_COLLECTOR_COLLECTING naming the job), changing nothing, and accepts one once it ended', async () => {
    const secret = await stack.grpc.call('Secret', 'create', { name: 'refusing', provider: 'synthetic', data: { account_id: '300000000009' } });
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'refusing',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: 8, delay_ms: 500, include_types: false } },
      secret_filter: { state: 'ENABLED', secrets: [secret['secret_id']] },
    });
    const collectorId = collector['collector_id'];
    const running = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    expect(running['status']).toBe('IN_PROGRESS');

    const overGrpc = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }).then(
      () => undefined,
      (error: { code: number; details: string }) => error,
    );
    expect(overGrpc).toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/^ERROR_COLLECTOR_COLLECTING: .*already collecting/) });
    expect(overGrpc!.details).toContain(running['job_id']);
    const overHttp = await stack.post('/inventory/v1/collector/collect', { collector_id: collectorId });
    expect(overHttp).toMatchObject({ status: 409, body: { code: 'ERROR_COLLECTOR_COLLECTING', message: expect.stringContaining(running['job_id']) } });

    // the refusals were about the running job, and wrote nothing
    expect((await stack.grpc.call('Job', 'get', { job_id: running['job_id'] }))['status']).toBe('IN_PROGRESS');
    expect((await stack.grpc.call('Job', 'list', { collector_id: collectorId }))['total_count']).toBe(1);

    expect(await waitForJob(stack, running['job_id'])).toMatchObject({ status: 'SUCCESS' });
    const again = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    expect(await waitForJob(stack, again['job_id'])).toMatchObject({ status: 'SUCCESS' });
    expect((await stack.grpc.call('Job', 'list', { collector_id: collectorId }))['total_count']).toBe(2);
    expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });
});
