import { DataSource } from 'typeorm';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { EndedTask, TaskOutcome, TaskStateRepository } from './task-state.repository';

interface Finished extends EndedTask {
  jobFinished: boolean;
}

/** A task ending in a transaction of its own, as collect/task-ending.ts runs it (without the disconnection). */
function finisher(pool: DataSource, repository: TaskStateRepository) {
  return async (jobTaskId: string, outcome: TaskOutcome): Promise<Finished | null> => {
    const ended = await pool.transaction((manager) => repository.end(manager, jobTaskId, outcome));
    return ended && { ...ended, jobFinished: ended.job.remained_tasks === 0 };
  };
}

describe('TaskStateRepository against PostgreSQL', () => {
  let db: MigratedDatabase;
  let states: TaskStateRepository;
  let finish: ReturnType<typeof finisher>;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    states = new TaskStateRepository(db.dataSource, testConfig());
    finish = finisher(db.dataSource, states);
  });

  afterAll(() => db.close());

  it('counts 200 tasks ending at once on 4 pools exactly, and finishes the job exactly once', async () => {
    const job = await createJob(db.dataSource, { count: 200, leaseOwner: 'worker-1' });
    const pools: DataSource[] = await Promise.all([1, 2, 3, 4].map(() => db.connect(6)));
    const finishers = pools.map((pool) => finisher(pool, new TaskStateRepository(pool, testConfig())));
    // every task is ended twice, from two different pools: only one of the two may count
    const endings = job.tasks.flatMap((task, i) => {
      const status = i % 10 === 0 ? ('FAILURE' as const) : ('SUCCESS' as const);
      return [0, 1].map((copy) => finishers[(i + copy) % 4](task.job_task_id, { status, leaseOwner: 'worker-1' }));
    });
    const results = await Promise.all(endings);

    const counted = results.filter((r): r is Finished => r !== null);
    expect(counted).toHaveLength(200);
    expect(new Set(counted.map((r) => r.task.job_task_id)).size).toBe(200);
    expect(counted.filter((r) => r.jobFinished)).toHaveLength(1);

    const row = await jobRow(db.dataSource, job.jobId);
    expect(row).toMatchObject({ total_tasks: 200, remained_tasks: 0, success_tasks: 180, failure_tasks: 20, status: 'FAILURE' });
    expect(row.finished_at).toBeInstanceOf(Date);
    const [queue] = await db.dataSource.query(`SELECT count(*)::int AS n FROM task_queue WHERE job_task_id = ANY($1)`, [
      job.tasks.map((t) => t.job_task_id),
    ]);
    expect(queue.n).toBe(0);
  });

  it('ends a job SUCCESS when every task succeeded, and sets finished_at only then', async () => {
    const job = await createJob(db.dataSource, { count: 3, leaseOwner: 'worker-1' });
    for (const [i, task] of job.tasks.entries()) {
      const result = await finish(task.job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
      const row = await jobRow(db.dataSource, job.jobId);
      if (i < 2) {
        expect(row).toMatchObject({ status: 'IN_PROGRESS', remained_tasks: 2 - i, finished_at: null });
        expect(result?.jobFinished).toBe(false);
      } else {
        expect(row).toMatchObject({ status: 'SUCCESS', remained_tasks: 0, success_tasks: 3, failure_tasks: 0 });
        expect(result?.jobFinished).toBe(true);
      }
    }
  });

  it('turns SUCCESS into FAILURE for a task with failed resources, keeping its counts', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1' });
    const id = job.tasks[0].job_task_id;
    await db.dataSource.query(`UPDATE job_task SET created_count = 7, failure_count = 2 WHERE job_task_id = $1`, [id]);
    const result = await finish(id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    expect(result?.task).toMatchObject({ status: 'FAILURE', created_count: 7, failure_count: 2 });
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'FAILURE', failure_tasks: 1 });
  });

  it('refuses to end a task for a worker that no longer holds its lease', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1' });
    const id = job.tasks[0].job_task_id;
    expect(await finish(id, { status: 'SUCCESS', leaseOwner: 'worker-2' })).toBeNull();
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ remained_tasks: 1, status: 'IN_PROGRESS' });
    expect(await finish(id, { status: 'SUCCESS', leaseOwner: 'worker-1' })).not.toBeNull();
  });

  it('records the error of a failed task, bounded by the error limit', async () => {
    const limited = finisher(db.dataSource, new TaskStateRepository(db.dataSource, testConfig({ errorLimit: 2 })));
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1' });
    const id = job.tasks[0].job_task_id;
    await db.dataSource.query(
      `UPDATE job_task SET errors = '[{"error_code":"A","message":"a","additional":{}},{"error_code":"B","message":"b","additional":{}}]' WHERE job_task_id = $1`,
      [id],
    );
    const result = await limited(id, {
      status: 'FAILURE',
      error: { error_code: 'ERROR_COLLECTOR_PLUGIN', message: 'stream broke', additional: {} },
    });
    expect(result?.task.errors.map((e) => e.error_code)).toEqual(['A', 'B']);
    expect(result?.task.failure_count).toBe(1);
  });

  it('lets a canceled job keep its status while its tasks are counted down', async () => {
    const job = await createJob(db.dataSource, { count: 2, leaseOwner: 'worker-1' });
    await db.dataSource.query(`UPDATE job SET status = 'CANCELED' WHERE job_id = $1`, [job.jobId]);
    await finish(job.tasks[0].job_task_id, { status: 'CANCELED' });
    const last = await finish(job.tasks[1].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    expect(last?.jobFinished).toBe(true);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'CANCELED', remained_tasks: 0, success_tasks: 1, failure_tasks: 1 });
  });

  it('starts a task once it is claimed and resets the failures of a retried attempt', async () => {
    const job = await createJob(db.dataSource, { count: 1 });
    const id = job.tasks[0].job_task_id;
    const first = await states.start(id, 1);
    expect(first).toMatchObject({ jobStatus: 'IN_PROGRESS', task: { status: 'IN_PROGRESS' } });
    await db.dataSource.query(`UPDATE job_task SET failure_count = 3, created_count = 5, errors = '[{"error_code":"X"}]' WHERE job_task_id = $1`, [id]);
    const retried = await states.start(id, 2);
    expect(retried?.task).toMatchObject({ failure_count: 0, created_count: 5, errors: [] });
    await db.dataSource.query(`UPDATE job_task SET status = 'SUCCESS' WHERE job_task_id = $1`, [id]);
    expect(await states.start(id, 3)).toBeNull();
  });
});
