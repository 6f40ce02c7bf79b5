import { IngestRepository } from '../ingest/ingest.repository';
import { collectParts } from '../testing/collect-parts';
import { ingestContextOf, instance, itemsOf } from '../testing/cloud-services';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { metricsRegistry } from '@cloud-inventory/observability';
import { inventoryInvariantViolations } from '@cloud-inventory/testing';
import { DataSource } from 'typeorm';
import { TaskEnding } from './task-ending';

/** Runs `fn` over the items, `concurrency` at a time (a worker's slots), in order within each slot. */
async function inTurns<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]);
      }
    }),
  );
  return results;
}

describe('TaskEnding against PostgreSQL', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let ending: TaskEnding;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    ({ ingest, ending } = collectParts(db.dataSource, testConfig({ disconnectedDeleteAfter: 2 })));
  });

  afterAll(() => db.close());

  const states = async (workspaceId: string) =>
    Object.fromEntries(
      (await db.dataSource.query(`SELECT name, state FROM cloud_service WHERE workspace_id = $1`, [workspaceId])).map(
        (r: { name: string; state: string }) => [r.name, r.state],
      ),
    );
  const seenRows = async (jobId: string) =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM collect_seen WHERE job_id = $1`, [jobId]))[0].n as number;

  it('after a successful collect, disconnects what it did not see, deletes after repeated misses, and revives what comes back', async () => {
    const collectorId = 'collector-gc';
    const run = async (ids: number[]) => {
      const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-gc' });
      await ingest.writeBatch(ingestContextOf(job), itemsOf(job, ids.map((i) => instance(i))), []);
      const finished = await ending.finish(job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
      expect(finished?.jobFinished).toBe(true);
      expect(await seenRows(job.jobId)).toBe(0);
      return finished!.task;
    };
    expect(await run([1, 2, 3, 4])).toMatchObject({ created_count: 4, disconnected_count: 0, deleted_count: 0 });
    expect(await run([1, 2])).toMatchObject({ created_count: 0, disconnected_count: 2, deleted_count: 0 });
    expect(await states('ws-gc')).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'DISCONNECTED', 'vm-4': 'DISCONNECTED' });
    // vm-3 comes back (revived, counted as updated); vm-4 is missed a second time and deleted
    expect(await run([1, 2, 3])).toMatchObject({ updated_count: 1, disconnected_count: 0, deleted_count: 1 });
    expect(await states('ws-gc')).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'ACTIVE', 'vm-4': 'DELETED' });
    // a deleted resource that reappears is a new resource
    expect(await run([1, 2, 3, 4])).toMatchObject({ created_count: 1 });
  });

  it('changes nothing after a failed collect', async () => {
    const collectorId = 'collector-partial';
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-partial' });
    await ingest.writeBatch(ingestContextOf(job), itemsOf(job, [1, 2, 3].map((i) => instance(i))), []);
    await ending.finish(job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    const failing = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-partial' });
    await ingest.writeBatch(ingestContextOf(failing), itemsOf(failing, [instance(1)]), []);
    const ended = await ending.finish(failing.tasks[0].job_task_id, {
      status: 'FAILURE',
      leaseOwner: 'worker-1',
      error: { error_code: 'ERROR_COLLECTOR_PLUGIN', message: 'stream broke', additional: {} },
    });
    expect(ended?.task).toMatchObject({ status: 'FAILURE', disconnected_count: 0 });
    expect(Object.values(await states('ws-partial'))).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  });

  it('disconnects after the last split of a secret only, and never what another split of the job saw', async () => {
    const collectorId = 'collector-split';
    const first = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-split' });
    await ingest.writeBatch(ingestContextOf(first), itemsOf(first, [1, 2, 3, 4].map((i) => instance(i))), []);
    await ending.finish(first.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });

    // one secret, two splits: each sees half of what is left (vm-4 is gone)
    const split = await createJob(db.dataSource, { count: 2, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-split' });
    await ingest.writeBatch(ingestContextOf(split, 0), itemsOf(split, [instance(1), instance(2)]), []);
    await ingest.writeBatch(ingestContextOf(split, 1), itemsOf(split, [instance(3)]), []);
    const firstSplit = await ending.finish(split.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    expect(firstSplit).toMatchObject({ jobFinished: false, task: { disconnected_count: 0 } });
    expect(await states('ws-split')).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'ACTIVE', 'vm-4': 'ACTIVE' });
    expect(await seenRows(split.jobId)).toBeGreaterThan(0);

    const lastSplit = await ending.finish(split.tasks[1].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    expect(lastSplit).toMatchObject({ jobFinished: true, task: { disconnected_count: 1 } });
    expect(await states('ws-split')).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'ACTIVE', 'vm-4': 'DISCONNECTED' });
    expect(await seenRows(split.jobId)).toBe(0);
    expect(await jobRow(db.dataSource, split.jobId)).toMatchObject({ status: 'SUCCESS', success_tasks: 2 });
  });

  it('ends a task once: a second ending, or one by a worker without the lease, changes nothing', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-once' });
    const id = job.tasks[0].job_task_id;
    expect(await ending.finish(id, { status: 'SUCCESS', leaseOwner: 'worker-2' })).toBeNull();
    expect(await ending.finish(id, { status: 'SUCCESS', leaseOwner: 'worker-1' })).toMatchObject({ jobFinished: true });
    expect(await ending.finish(id, { status: 'FAILURE', leaseOwner: 'worker-1' })).toBeNull();
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'SUCCESS', success_tasks: 1, failure_tasks: 0 });
  });

  it('counts an ended task in the metrics before the fold can end its job: whoever sees the job ended sees its task counted', async () => {
    const finishedSuccess = async () => {
      const metric = await metricsRegistry().getSingleMetric('inventory_job_tasks_finished_total')!.get();
      return metric.values.filter((value) => value.labels['status'] === 'SUCCESS').reduce((sum, value) => sum + value.value, 0);
    };
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-metric-order' });
    const before = await finishedSuccess();
    // what the counter says as each transaction (the fold's) begins
    const atTransaction: number[] = [];
    const transaction = db.dataSource.transaction.bind(db.dataSource) as (...args: unknown[]) => Promise<unknown>;
    const spy = jest.spyOn(db.dataSource, 'transaction').mockImplementation((async (...args: unknown[]) => {
      atTransaction.push(await finishedSuccess());
      return transaction(...args);
    }) as unknown as DataSource['transaction']);
    try {
      expect(await ending.finish(job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' })).toMatchObject({ jobFinished: true });
    } finally {
      spy.mockRestore();
    }
    expect(atTransaction.length).toBeGreaterThan(0);
    expect(atTransaction).toEqual(atTransaction.map(() => before + 1));
  });

  it('a job stopped after its tasks ended SUCCESS, but before those endings were counted, disconnects nothing', async () => {
    const collectorId = 'collector-stopped';
    const first = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-stopped' });
    await ingest.writeBatch(ingestContextOf(first), itemsOf(first, [1, 2, 3].map((i) => instance(i))), []);
    await ending.finish(first.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });

    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-stopped' });
    await ingest.writeBatch(ingestContextOf(job), itemsOf(job, [instance(1)]), []);
    // the ending is recorded, and not folded (as when another fold held the job's row)
    const parts = collectParts(db.dataSource, testConfig({ disconnectedDeleteAfter: 2 }));
    await db.dataSource.transaction((manager) => parts.states.end(manager, job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' }));
    const canceled = await parts.stopper.cancel(job.jobId, { domain_id: job.domainId, role: 'DOMAIN_ADMIN' as const });
    expect(canceled).toMatchObject({ status: 'CANCELED', remained_tasks: 0, success_tasks: 1, failure_tasks: 0 });
    expect(await states('ws-stopped')).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'ACTIVE' });
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'CANCELED' });
    expect(await seenRows(job.jobId)).toBe(0);
  });

  describe('at scale: endings that never wait for each other', () => {
    /** Every ending of a job told to the storage plugin (the fold that finishes it), per job. */
    let finishedJobs: string[];
    let spy: jest.SpyInstance;
    beforeEach(() => {
      finishedJobs = [];
      spy = jest
        .spyOn(TaskEnding.prototype as unknown as { jobFinished(job: { job_id: string }): Promise<void> }, 'jobFinished')
        .mockImplementation(async (job) => void finishedJobs.push(job.job_id));
    });
    afterEach(() => spy.mockRestore());

    it('ends 2,000 tasks of one job from 8 pools at once, each twice: exact counters, finished once, each complete secret disconnected once', async () => {
      const collectorId = 'collector-scale';
      const workspaceId = 'ws-scale';
      const secrets = Array.from({ length: 10 }, (_, i) => `secret-scale-${i}`);
      // a first run: 4 resources per secret, all of them seen
      const first = await createJob(db.dataSource, { count: 10, leaseOwner: 'worker-1', collectorId, workspaceId, secrets });
      for (const [i] of secrets.entries()) {
        await ingest.writeBatch(ingestContextOf(first, i), itemsOf(first, [0, 1, 2, 3].map((n) => instance(i * 100 + n))), []);
      }
      for (const task of first.tasks) await ending.finish(task.job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
      // the second run: 200 splits per secret; each secret's first split sees 2 of its 4 resources; one split of the last secret fails
      const job = await createJob(db.dataSource, { count: 2000, leaseOwner: 'worker-1', collectorId, workspaceId, secrets });
      for (const [i] of secrets.entries()) {
        await ingest.writeBatch(ingestContextOf(job, i), itemsOf(job, [0, 1].map((n) => instance(i * 100 + n))), []);
      }
      const failing = job.tasks[1999].job_task_id; // of secret 9
      const pools: DataSource[] = await Promise.all(Array.from({ length: 8 }, () => db.connect(4)));
      const enders = pools.map((pool) => collectParts(pool, testConfig({ disconnectedDeleteAfter: 2 })).ending);
      // each pool ends its share 4 at a time (as a worker would), all pools at once
      const results = await Promise.all(
        enders.map((ender, e) =>
          inTurns(
            job.tasks.flatMap((task, i) => [0, 1].filter((copy) => (i + copy * 3) % 8 === e).map(() => task)),
            4,
            (task) => ender.finish(task.job_task_id, { status: task.job_task_id === failing ? 'FAILURE' : 'SUCCESS', leaseOwner: 'worker-1' }),
          ),
        ),
      );
      expect(results.flat().filter((result) => result !== null)).toHaveLength(2000);
      expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'FAILURE', remained_tasks: 0, success_tasks: 1999, failure_tasks: 1 });
      expect(finishedJobs).toEqual([first.jobId, job.jobId]);
      const disconnecting = await db.dataSource.query(
        `SELECT secret_id, count(*)::int AS tasks, sum(disconnected_count)::int AS disconnected FROM job_task
          WHERE job_id = $1 AND disconnected_count > 0 GROUP BY secret_id ORDER BY secret_id`,
        [job.jobId],
      );
      expect(disconnecting).toEqual(secrets.slice(0, 9).map((secret_id) => ({ secret_id, tasks: 1, disconnected: 2 })));
      expect(await inventoryInvariantViolations(db.database.url)).toEqual([]);
    });

    it('folds the endings of one job that arrive together in fewer transactions, and returns each once it is counted', async () => {
      const job = await createJob(db.dataSource, { count: 200, leaseOwner: 'worker-1', collectorId: 'collector-together', workspaceId: 'ws-together' });
      const pool = await db.connect(8);
      const { ending: together } = collectParts(pool, testConfig());
      const folds = jest.spyOn(together, 'fold');
      const results = await inTurns(job.tasks, 8, (task) => together.finish(task.job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' }));
      // every call came back after its ending was counted: nothing is left to fold
      expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'SUCCESS', remained_tasks: 0, success_tasks: 200 });
      expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM job_task_ending WHERE job_id = $1`, [job.jobId]))[0].n).toBe(0);
      expect(results.filter((result) => result?.jobFinished)).toHaveLength(1);
      expect(finishedJobs).toEqual([job.jobId]);
      expect(folds.mock.calls.length).toBeLessThan(200);
      folds.mockRestore();
    });

    it('counts each task once when its job is canceled while its tasks end: a canceled run keeps what it wrote and disconnects nothing', async () => {
      const collectorId = 'collector-race';
      const job = await createJob(db.dataSource, { count: 400, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-race', secrets: ['secret-race'] });
      await ingest.writeBatch(ingestContextOf(job), itemsOf(job, [instance(1), instance(2)]), []);
      const pools: DataSource[] = await Promise.all(Array.from({ length: 4 }, () => db.connect(4)));
      const parts = pools.map((pool) => collectParts(pool, testConfig()));
      const endings = parts.map((part, p) =>
        inTurns(
          job.tasks.filter((_, i) => i % 4 === p),
          4,
          (task) => part.ending.finish(task.job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' }),
        ),
      );
      const canceled = parts[0].stopper.cancel(job.jobId, { domain_id: job.domainId, role: 'DOMAIN_ADMIN' as const });
      await Promise.all([...endings, canceled]);
      await parts[1].ending.foldJob(job.jobId);

      const row = await jobRow(db.dataSource, job.jobId);
      const [tasks] = await db.dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'SUCCESS')::int AS succeeded, count(*) FILTER (WHERE status = 'CANCELED')::int AS canceled,
                sum(created_count)::int AS created, sum(disconnected_count)::int AS disconnected FROM job_task WHERE job_id = $1`,
        [job.jobId],
      );
      expect(row).toMatchObject({ status: 'CANCELED', remained_tasks: 0, success_tasks: tasks.succeeded, failure_tasks: tasks.canceled });
      expect(tasks.succeeded + tasks.canceled).toBe(400);
      expect(tasks).toMatchObject({ created: 2, disconnected: 0 });
      expect(finishedJobs).toEqual([job.jobId]);
      expect(await inventoryInvariantViolations(db.database.url)).toEqual([]);
    });
  });
});
