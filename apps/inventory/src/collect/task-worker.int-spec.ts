import { DataSource } from 'typeorm';
import { InventoryConfig } from '../inventory.config';
import { ClaimedTask, TaskQueueRepository } from '../job-task/task-queue.repository';
import { collectParts } from '../testing/collect-parts';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { TaskRunner } from './task-runner';
import { leaseTakenSeconds, TaskWorker } from './task-worker.service';

const until = async (condition: () => boolean | Promise<boolean>) => {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
};

/** Stands in for the task runner: records what it is given and runs `body`. */
class RecordingRunner {
  readonly runs: { task: ClaimedTask; owner: string; signal: AbortSignal }[] = [];
  running = 0;
  mostAtOnce = 0;

  constructor(private readonly body: (task: ClaimedTask, owner: string, signal: AbortSignal) => Promise<void>) {}

  async run(task: ClaimedTask, owner: string, signal: AbortSignal): Promise<void> {
    this.runs.push({ task, owner, signal });
    this.running += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    try {
      await this.body(task, owner, signal);
    } finally {
      this.running -= 1;
    }
  }
}

describe('TaskWorker against PostgreSQL', () => {
  let db: MigratedDatabase;
  const workers: TaskWorker[] = [];

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.onApplicationShutdown()));
    await db.dataSource.query(`DELETE FROM task_queue`);
  });

  afterAll(() => db.close());

  function configWith(worker: Partial<InventoryConfig['worker']>): InventoryConfig {
    const base = testConfig();
    return { ...base, worker: { ...base.worker, ...worker } };
  }

  async function startWorker(pool: DataSource, config: InventoryConfig, runner: RecordingRunner): Promise<TaskWorker> {
    const worker = new TaskWorker(config, db.database.url, new TaskQueueRepository(pool), runner as unknown as TaskRunner);
    workers.push(worker);
    await worker.onApplicationBootstrap();
    return worker;
  }

  it('two workers on their own pools run every task of a job exactly once, each at most WORKER_CONCURRENCY at a time', async () => {
    const config = configWith({ concurrency: 3, pollMs: 200 });
    const pools = await Promise.all([db.connect(4), db.connect(4)]);
    const runners = pools.map((pool) => {
      const { states, ending } = collectParts(pool, config);
      return new RecordingRunner(async (task, owner) => {
        await states.start(task.job_task_id, task.attempts);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await ending.finish(task.job_task_id, { status: 'SUCCESS', leaseOwner: owner });
      });
    });
    await Promise.all(pools.map((pool, i) => startWorker(pool, config, runners[i])));

    // created after the workers listen: the NOTIFY of enqueue is not sent by the fixture, so polling finds them
    const job = await createJob(db.dataSource, { count: 40 });
    await until(async () => (await jobRow(db.dataSource, job.jobId)).remained_tasks === 0);

    const runs = runners.flatMap((runner) => runner.runs);
    expect(runs.map((run) => run.task.job_task_id).sort()).toEqual(job.tasks.map((task) => task.job_task_id).sort());
    expect(runners.every((runner) => runner.mostAtOnce <= 3)).toBe(true);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'SUCCESS', success_tasks: 40 });
  });

  it('stops a running task (abort reason lease-lost) when its renewal finds the lease taken over', async () => {
    const config = configWith({ concurrency: 1, pollMs: 200, leaseSeconds: 3 });
    const runner = new RecordingRunner((_task, _owner, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    const worker = await startWorker(db.dataSource, config, runner);
    const job = await createJob(db.dataSource, { count: 1 });
    await until(() => runner.runs.length === 1);
    expect(runner.runs[0].owner).toBe(worker.owner);
    await db.dataSource.query(`UPDATE task_queue SET lease_owner = 'another-worker' WHERE job_task_id = $1`, [job.tasks[0].job_task_id]);
    await until(() => runner.runs[0].signal.aborted);
    expect(runner.runs[0].signal.reason).toBe('lease-lost');
  });

  it('takes leases two polls shorter than TASK_LEASE_SECONDS: a task whose worker died is claimed again within TASK_LEASE_SECONDS', async () => {
    expect(leaseTakenSeconds({ leaseSeconds: 60, pollMs: 1000 })).toBe(58);
    expect(leaseTakenSeconds({ leaseSeconds: 5, pollMs: 200 })).toBe(4.6);
    // a poll too slow for the promise: never below half the lease (renewed every third of it)
    expect(leaseTakenSeconds({ leaseSeconds: 10, pollMs: 60_000 })).toBe(5);

    const config = configWith({ concurrency: 1, pollMs: 1000, leaseSeconds: 60 });
    const runner = new RecordingRunner((_task, _owner, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    await startWorker(db.dataSource, config, runner);
    const job = await createJob(db.dataSource, { count: 1 });
    await until(() => runner.runs.length === 1);
    const [{ seconds }] = await db.dataSource.query(
      `SELECT extract(epoch FROM lease_expires_at - now())::float AS seconds FROM task_queue WHERE job_task_id = $1`,
      [job.tasks[0].job_task_id],
    );
    expect(seconds).toBeLessThanOrEqual(58);
    expect(seconds).toBeGreaterThan(50);
  });

  it('on shutdown, stops its running tasks (reason shutdown) and hands them back to the queue at once', async () => {
    const config = configWith({ concurrency: 2, pollMs: 200 });
    const runner = new RecordingRunner((_task, _owner, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    const worker = await startWorker(db.dataSource, config, runner);
    const job = await createJob(db.dataSource, { count: 2 });
    await until(() => runner.runs.length === 2);
    await worker.onApplicationShutdown();
    expect(runner.runs.map((run) => run.signal.reason)).toEqual(['shutdown', 'shutdown']);
    const rows = await db.dataSource.query(`SELECT lease_owner, lease_expires_at, attempts FROM task_queue WHERE job_task_id = ANY($1)`, [
      job.tasks.map((task) => task.job_task_id),
    ]);
    expect(rows).toEqual([
      { lease_owner: null, lease_expires_at: null, attempts: 0 },
      { lease_owner: null, lease_expires_at: null, attempts: 0 },
    ]);
    expect(await new TaskQueueRepository(db.dataSource).claim('next-worker', 5, 60, { domainMaxRunning: 0 })).toHaveLength(2);
  });

  it('wakes another worker at once when a shutting-down worker hands its tasks back (not at its next poll)', async () => {
    const waiting = (_task: ClaimedTask, _owner: string, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    const first = new RecordingRunner(waiting);
    const leaving = await startWorker(db.dataSource, configWith({ concurrency: 1, pollMs: 200 }), first);
    const job = await createJob(db.dataSource, { count: 1 });
    await until(() => first.runs.length === 1);
    // the second never polls (its first claim at start found nothing): only the NOTIFY of the hand-back wakes it
    const second = new RecordingRunner(waiting);
    await startWorker(await db.connect(3), configWith({ concurrency: 1, pollMs: 2_000_000_000 }), second);
    await leaving.shutdown();
    await until(() => second.runs.length === 1);
    expect(second.runs[0].task).toMatchObject({ job_task_id: job.tasks[0].job_task_id, job_id: job.jobId, attempts: 1 });
  });

  it('stops the running tasks of a job stopped elsewhere (Job.cancel on another replica), told by NOTIFY', async () => {
    const config = configWith({ concurrency: 4, pollMs: 200, leaseSeconds: 600 });
    const runner = new RecordingRunner((_task, _owner, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
    await startWorker(db.dataSource, config, runner);
    const canceled = await createJob(db.dataSource, { count: 2 });
    const other = await createJob(db.dataSource, { count: 1 });
    await until(() => runner.runs.length === 3);
    const { stopper } = collectParts(await db.connect(2), config);
    expect(await stopper.cancel(canceled.jobId, { domain_id: canceled.domainId, role: 'DOMAIN_ADMIN' as const })).toMatchObject({ status: 'CANCELED', remained_tasks: 0 });
    const ofJob = (jobId: string) => runner.runs.filter((run) => run.task.job_id === jobId);
    await until(() => ofJob(canceled.jobId).every((run) => run.signal.aborted));
    expect(ofJob(canceled.jobId).map((run) => run.signal.reason)).toEqual(['canceled', 'canceled']);
    expect(ofJob(other.jobId).map((run) => run.signal.aborted)).toEqual([false]);
  });
});
