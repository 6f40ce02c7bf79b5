import { DataSource } from 'typeorm';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { Client } from 'pg';
import { EndedTask, JobFold, TaskOutcome, TASK_CANCEL_CHANNEL, TaskStateRepository } from './task-state.repository';

interface Finished extends EndedTask {
  fold: JobFold;
  jobFinished: boolean;
}

/**
 * A task ending in a transaction of its own, then a fold of its job in another (collect/task-ending.ts
 * runs both in one, with the disconnections and the look after the commit).
 */
function finisher(pool: DataSource, repository: TaskStateRepository) {
  return async (jobTaskId: string, outcome: TaskOutcome): Promise<Finished | null> => {
    const ended = await pool.transaction((manager) => repository.end(manager, jobTaskId, outcome));
    if (!ended) return null;
    const fold = await pool.transaction((manager) => repository.fold(manager, ended.task.job_id));
    return { ...ended, fold, jobFinished: fold.job?.remained_tasks === 0 };
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

  const endings = async (jobId: string) =>
    (await db.dataSource.query(`SELECT job_task_id, succeeded FROM job_task_ending WHERE job_id = $1 ORDER BY ending_id`, [jobId])) as {
      job_task_id: string;
      succeeded: boolean;
    }[];

  it('ends a task without touching its job: the ending is recorded, and one fold counts every recorded ending set-based', async () => {
    const job = await createJob(db.dataSource, { count: 5, leaseOwner: 'worker-1' });
    const before = await jobRow(db.dataSource, job.jobId);
    for (const [i, task] of job.tasks.entries()) {
      const ended = await db.dataSource.transaction((manager) =>
        states.end(manager, task.job_task_id, { status: i === 4 ? 'FAILURE' : 'SUCCESS', leaseOwner: 'worker-1' }),
      );
      expect(ended?.task).toMatchObject({ job_task_id: task.job_task_id, status: i === 4 ? 'FAILURE' : 'SUCCESS' });
    }
    expect(await jobRow(db.dataSource, job.jobId)).toEqual(before);
    expect((await endings(job.jobId)).map((e) => e.succeeded)).toEqual([true, true, true, true, false]);

    const fold = await db.dataSource.transaction((manager) => states.fold(manager, job.jobId));
    expect(fold).toMatchObject({ locked: true, consumed: 5, job: { remained_tasks: 0, success_tasks: 4, failure_tasks: 1, status: 'FAILURE' } });
    expect(await endings(job.jobId)).toEqual([]);
    expect(await db.dataSource.transaction((manager) => states.fold(manager, job.jobId))).toMatchObject({ locked: true, consumed: 0, job: null });
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ remained_tasks: 0, success_tasks: 4, failure_tasks: 1, status: 'FAILURE' });
  });

  it('does not wait for a job whose row another fold holds (SKIP LOCKED): the endings stay recorded for the holder', async () => {
    const job = await createJob(db.dataSource, { count: 2, leaseOwner: 'worker-1' });
    await finish(job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    const holder = await db.connect(1);
    const runner = holder.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM job WHERE job_id = $1 FOR NO KEY UPDATE`, [job.jobId]);
      const skipped = await finish(job.tasks[1].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
      expect(skipped?.fold).toEqual({ locked: false, consumed: 0, job: null, completedSecrets: [] });
      expect((await endings(job.jobId)).map((e) => e.job_task_id)).toEqual([job.tasks[1].job_task_id]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await db.dataSource.transaction((manager) => states.fold(manager, job.jobId))).toMatchObject({
      locked: true,
      consumed: 1,
      job: { status: 'SUCCESS', remained_tasks: 0 },
    });
  });

  it("names a secret complete in the one fold that counts its last ending, only when all of the secret's tasks succeeded", async () => {
    const job = await createJob(db.dataSource, { count: 6, leaseOwner: 'worker-1', secrets: ['secret-ok', 'secret-bad'] });
    // tasks alternate secrets: 0, 2, 4 are secret-ok; 1, 3, 5 secret-bad (5 fails)
    const end = (i: number, status: 'SUCCESS' | 'FAILURE' = 'SUCCESS') =>
      db.dataSource.transaction((manager) => states.end(manager, job.tasks[i].job_task_id, { status, leaseOwner: 'worker-1' }));
    const fold = () => db.dataSource.transaction((manager) => states.fold(manager, job.jobId));
    await end(0);
    await end(1);
    expect((await fold()).completedSecrets).toEqual([]);
    await end(2);
    await end(4);
    await end(3);
    const completing = await fold();
    expect(completing.completedSecrets).toEqual([{ secret_id: 'secret-ok', last_task_id: job.tasks[4].job_task_id, finished_at: expect.any(String) }]);
    await end(5, 'FAILURE');
    expect((await fold()).completedSecrets).toEqual([]);
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

  describe('stopping jobs', () => {
    const CANCEL = { status: 'CANCELED' as const, errorCode: 'ERROR_COLLECT_CANCELED', message: 'The job was canceled.' };
    const taskRows = async (jobId: string) =>
      (await db.dataSource.query(`SELECT job_task_id, status, errors, failure_count, created_count, finished_at FROM job_task WHERE job_id = $1 ORDER BY job_task_id`, [
        jobId,
      ])) as { job_task_id: string; status: string; errors: { error_code: string; message: string }[]; failure_count: number; created_count: number }[];
    const queued = async (jobId: string) => (await db.dataSource.query(`SELECT count(*)::int AS n FROM task_queue WHERE job_id = $1`, [jobId]))[0].n as number;

    it('stops a running job once: its unfinished tasks end with it (with the reason), leave the queue, are recorded, and workers are told', async () => {
      const listener = new Client({ connectionString: db.database.url });
      await listener.connect();
      const told: string[] = [];
      listener.on('notification', (message) => message.channel === TASK_CANCEL_CHANNEL && told.push(message.payload ?? ''));
      await listener.query(`LISTEN ${TASK_CANCEL_CHANNEL}`);
      try {
        const job = await createJob(db.dataSource, { count: 4 });
        await db.dataSource.query(`UPDATE task_queue SET lease_owner = 'worker-1', lease_expires_at = now() + interval '1 hour' WHERE job_task_id = $1`, [
          job.tasks[1].job_task_id,
        ]);
        await db.dataSource.query(`UPDATE job_task SET status = 'IN_PROGRESS', created_count = 3 WHERE job_task_id = $1`, [job.tasks[1].job_task_id]);
        await finish(job.tasks[0].job_task_id, { status: 'SUCCESS' });

        const stop = { jobId: job.jobId, domainId: job.domainId };
        expect(await db.dataSource.transaction((manager) => states.stopJobs(manager, stop, CANCEL))).toEqual([job.jobId]);
        expect(await db.dataSource.transaction((manager) => states.stopJobs(manager, stop, CANCEL))).toEqual([]);
        expect(await db.dataSource.transaction((manager) => states.stopJobs(manager, { ...stop, domainId: 'another-domain' }, CANCEL))).toEqual([]);

        const tasks = await taskRows(job.jobId);
        const byId = new Map(tasks.map((task) => [task.job_task_id, task]));
        expect(byId.get(job.tasks[0].job_task_id)).toMatchObject({ status: 'SUCCESS', errors: [] });
        // the running one keeps what it wrote
        expect(byId.get(job.tasks[1].job_task_id)).toMatchObject({ status: 'CANCELED', created_count: 3, failure_count: 1 });
        for (const id of job.tasks.slice(1).map((task) => task.job_task_id)) {
          expect(byId.get(id)).toMatchObject({ status: 'CANCELED', errors: [{ error_code: 'ERROR_COLLECT_CANCELED', message: 'The job was canceled.' }] });
        }
        expect(await queued(job.jobId)).toBe(0);
        expect((await endings(job.jobId)).map((e) => e.succeeded)).toEqual([false, false, false]);
        expect(await db.dataSource.transaction((manager) => states.fold(manager, job.jobId))).toMatchObject({
          consumed: 3,
          job: { status: 'CANCELED', remained_tasks: 0, success_tasks: 1, failure_tasks: 3 },
        });
        while (told.length === 0) await listener.query('SELECT 1');
        expect(told).toEqual([job.jobId]);
      } finally {
        await listener.end();
      }
    });

    it("selects the collector's running job of the same request (supersede), and jobs past their deadline (timeout, with the job's own timeout in the message)", async () => {
      const collectorId = 'collector-stops';
      const running = await createJob(db.dataSource, { count: 1, collectorId });
      const key = { collectorId, requestSecretId: '', requestWorkspaceId: '' };
      expect(await db.dataSource.transaction((manager) => states.stopJobs(manager, { ...key, requestSecretId: 'secret-x' }, CANCEL))).toEqual([]);
      expect(await db.dataSource.transaction((manager) => states.stopJobs(manager, key, CANCEL))).toEqual([running.jobId]);

      const late = await createJob(db.dataSource, { count: 2, timeoutSeconds: 90 });
      const onTime = await createJob(db.dataSource, { count: 1, timeoutSeconds: 3600 });
      await db.dataSource.query(`UPDATE job SET created_at = created_at - interval '91 seconds', deadline_at = deadline_at - interval '91 seconds' WHERE job_id = $1`, [
        late.jobId,
      ]);
      const TIMEOUT = { status: 'TIMEOUT' as const, errorCode: 'ERROR_JOB_TIMEOUT', message: 'The job did not end within its timeout of %s s.' };
      const expired = await db.dataSource.transaction((manager) => states.stopJobs(manager, { pastDeadline: true, limit: 100 }, TIMEOUT));
      expect(expired).toContain(late.jobId);
      expect(expired).not.toContain(onTime.jobId);
      expect((await taskRows(late.jobId)).map((task) => [task.status, task.errors[0].message])).toEqual([
        ['TIMEOUT', 'The job did not end within its timeout of 90 s.'],
        ['TIMEOUT', 'The job did not end within its timeout of 90 s.'],
      ]);
      expect(await jobRow(db.dataSource, late.jobId)).toMatchObject({ status: 'TIMEOUT' });
      expect(await jobRow(db.dataSource, onTime.jobId)).toMatchObject({ status: 'IN_PROGRESS' });
    });
  });
});
