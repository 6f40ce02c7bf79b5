import { status } from '@grpc/grpc-js';
import { inventoryInvariantViolations, JsonRecord, Stack, startStack, waitFor, waitForJob } from '@cloud-inventory/testing';

/**
 * How jobs stop besides ending: Job.cancel (ours), the job timeout (JOB_TIMEOUT_SECONDS or the
 * collector's job_timeout), the idle timeout of a silent plugin, and the cap on a collector's
 * tasks running at once. Over the wire, against the real apps.
 */

const IDLE_SECONDS = 2;

describe('stopping jobs: Job.cancel, timeouts, caps (over the wire)', () => {
  let stack: Stack;
  let seed = 500;

  beforeAll(async () => {
    stack = await startStack({ inventoryEnv: { COLLECT_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS) } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  afterEach(async () => {
    if (stack) expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });

  async function collector(options: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    seed += 1;
    const secret = await stack.grpc.call('Secret', 'create', { name: `secret ${seed}`, provider: 'synthetic', data: { account_id: String(400_000_000_000 + seed) } });
    const created = await stack.grpc.call('Collector', 'create', {
      name: `collector ${seed}`,
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { seed, include_types: false, ...options } },
      secret_filter: { state: 'ENABLED', secrets: [secret['secret_id']] },
      ...extra,
    });
    return created['collector_id'];
  }

  const tasksOf = async (jobId: string) => (await stack.grpc.call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: jobId })).results;
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to be refused');
      },
      (error: { code: number; details: string }) => error,
    );
  /** The plugin's log line of the collect of `jobTaskId` that ended `outcome`. */
  const pluginCollect = (jobTaskId: string, outcome: string) =>
    stack.collectorPlugin
      .log()
      .split('\n')
      .find((line) => line.includes(jobTaskId) && line.includes(`collect ${outcome}`));

  it('Job.cancel ends a running job CANCELED: pending tasks end, running streams stop and keep what they wrote; again it answers the same job', async () => {
    // three splits, one task of the collector at a time (max_running_tasks): one runs, two are pending
    const collectorId = await collector({ count: 30, tasks: 3, delay_ms: 300 }, { max_running_tasks: 1 });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    const jobId = started['job_id'];
    await waitFor('a task to write', async () => ((await tasksOf(jobId)).some((task) => task['created_count'] > 0) ? true : undefined), 30_000);

    const canceled = await stack.grpc.call('Job', 'cancel', { job_id: jobId });
    expect(canceled).toMatchObject({ job_id: jobId, status: 'CANCELED', total_tasks: 3, remained_tasks: 0, success_tasks: 0, failure_tasks: 3 });
    expect(canceled['finished_at']).not.toBe('');
    const tasks = await tasksOf(jobId);
    expect(tasks.map((task) => task['status'])).toEqual(['CANCELED', 'CANCELED', 'CANCELED']);
    for (const task of tasks) {
      expect(task['errors']).toEqual([{ error_code: 'ERROR_COLLECT_CANCELED', message: 'The job was canceled (Job.cancel).', additional: {} }]);
      expect(task['disconnected_count']).toBe(0);
    }
    const ran = tasks.filter((task) => task['started_at'] !== '');
    expect(ran).toHaveLength(1);
    expect(ran[0]['created_count']).toBeGreaterThan(0);
    await waitFor('the plugin to see the stream cancelled', async () => pluginCollect(ran[0]['job_task_id'], 'cancelled'));
    const written = ran[0]['created_count'];
    // nothing is written after the cancel
    expect((await stack.grpc.call('CloudService', 'list', { query: { filter: [{ k: 'collection_info.collector_id', v: collectorId, o: 'eq' }], count_only: true } }))['total_count']).toBe(written);

    // again (gRPC, then HTTP): the same job, no error, nothing changed
    expect(await stack.grpc.call('Job', 'cancel', { job_id: jobId })).toEqual(canceled);
    const overHttp = await stack.post('/inventory/v1/job/cancel', { job_id: jobId });
    expect(overHttp).toMatchObject({ status: 200, body: { job_id: jobId, status: 'CANCELED', remained_tasks: 0 } });
  });

  it('Job.cancel of a job that ended answers it as it is; an unknown job is NOT_FOUND; no job_id is a required parameter', async () => {
    const collectorId = await collector({ count: 3 });
    const done = await waitForJob(stack, (await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }))['job_id']);
    expect(done['status']).toBe('SUCCESS');
    expect(await stack.grpc.call('Job', 'cancel', { job_id: done['job_id'] })).toEqual(done);
    expect(await stack.post('/inventory/v1/job/cancel', { job_id: done['job_id'] })).toMatchObject({ status: 200, body: { status: 'SUCCESS' } });

    expect(await rejection(stack.grpc.call('Job', 'cancel', { job_id: 'job-000000000000' }))).toMatchObject({ code: status.NOT_FOUND });
    expect(await stack.post('/inventory/v1/job/cancel', { job_id: 'job-000000000000' })).toMatchObject({ status: 404, body: { code: 'ERROR_NOT_FOUND' } });
    expect(await rejection(stack.grpc.call('Job', 'cancel', {}))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('job_id') });
    // another domain's job is not found either
    const other = await stack.as({ domain: 'domain-other', role: 'DOMAIN_ADMIN' });
    expect(await other.post('/inventory/v1/job/cancel', { job_id: done['job_id'] })).toMatchObject({ status: 404 });
    await expect(other.grpc.call('Job', 'cancel', { job_id: done['job_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it("ends TIMEOUT a job that runs past its collector's job_timeout, with its unfinished tasks, saying why", async () => {
    const collectorId = await collector({ count: 40, delay_ms: 250 }, { job_timeout: 2 });
    expect(await stack.grpc.call('Collector', 'get', { collector_id: collectorId })).toMatchObject({ job_timeout: 2, max_running_tasks: 0 });
    const job = await waitForJob(stack, (await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }))['job_id']);
    expect(job).toMatchObject({ status: 'TIMEOUT', remained_tasks: 0, failure_tasks: 1 });
    const [task] = await tasksOf(job['job_id']);
    expect(task).toMatchObject({ status: 'TIMEOUT', errors: [{ error_code: 'ERROR_JOB_TIMEOUT', message: 'The job did not end within its timeout of 2 s.', additional: {} }] });
    expect(task['created_count']).toBeGreaterThan(0);
    await waitFor('the plugin to see the stream cancelled', async () => pluginCollect(task['job_task_id'], 'cancelled'));
    const listed = await stack.grpc.call('Job', 'list', { collector_id: collectorId, status: 'TIMEOUT' });
    expect(listed['total_count']).toBe(1);

    // back to the server's default; out-of-range values are refused
    expect(await stack.grpc.call('Collector', 'update', { collector_id: collectorId, job_timeout: -1 })).toMatchObject({ job_timeout: 0 });
    expect(await rejection(stack.grpc.call('Collector', 'update', { collector_id: collectorId, job_timeout: -5 }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('job_timeout'),
    });
  });

  it('cuts off a plugin that stalls for COLLECT_IDLE_TIMEOUT_SECONDS: the task ends TIMEOUT with the idle error (not at the stream deadline), keeping what came before', async () => {
    // the first message at once, then a 5 s pause: the stream is idle for longer than the idle timeout
    const collectorId = await collector({ count: 3, delay_ms: 5000 });
    const job = await waitForJob(stack, (await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }))['job_id']);
    expect(job).toMatchObject({ status: 'FAILURE', failure_tasks: 1 });
    const [task] = await tasksOf(job['job_id']);
    expect(task).toMatchObject({
      status: 'TIMEOUT',
      created_count: 1,
      errors: [
        {
          error_code: 'ERROR_COLLECT_IDLE',
          message: `The collector plugin sent nothing for ${IDLE_SECONDS} s (idle timeout); the stream was cut off.`,
          additional: {},
        },
      ],
    });
  });

  it("runs at most the plugin's announced concurrency of a collector's tasks at once", async () => {
    const collectorId = await collector({ count: 12, tasks: 4, delay_ms: 100, concurrency: 1 });
    expect((await stack.grpc.call('Collector', 'get', { collector_id: collectorId }))['plugin_info']['metadata']).toMatchObject({ concurrency: 1 });
    const job = await waitForJob(stack, (await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }))['job_id']);
    expect(job).toMatchObject({ status: 'SUCCESS', success_tasks: 4 });
    // one at a time: each task started after the one before it finished
    const runs = (await tasksOf(job['job_id']))
      .map((task) => [Date.parse(task['started_at']), Date.parse(task['finished_at'])])
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < runs.length; i++) expect(runs[i][0]).toBeGreaterThanOrEqual(runs[i - 1][1]);
  });
});
