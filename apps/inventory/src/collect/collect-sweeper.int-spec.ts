import { inventoryInvariantViolations } from '@cloud-inventory/testing';
import { InventoryConfig } from '../inventory.config';
import { collectParts } from '../testing/collect-parts';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { CollectSweeper } from './collect-sweeper';

describe('CollectSweeper against PostgreSQL', () => {
  let db: MigratedDatabase;
  let config: InventoryConfig;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    config = testConfig();
  });

  afterAll(() => db.close());

  async function sweeperOn(poolSize = 3): Promise<CollectSweeper> {
    const pool = await db.connect(poolSize);
    const { stopper, states, ending } = collectParts(pool, config);
    return new CollectSweeper(config, stopper, states, ending);
  }

  /** Moves a job's creation (and deadline) `seconds` into the past. */
  const age = (jobId: string, seconds: number) =>
    db.dataSource.query(
      `UPDATE job SET created_at = created_at - make_interval(secs => $2), deadline_at = deadline_at - make_interval(secs => $2) WHERE job_id = $1`,
      [jobId, seconds],
    );

  it('ends TIMEOUT a job past its deadline with its unfinished tasks (pending and running), once, whatever many replicas sweep at once', async () => {
    const late = await createJob(db.dataSource, { count: 3, timeoutSeconds: 60 });
    // one task running, one already ended: the ended one keeps its status
    const [running, ended] = late.tasks.map((task) => task.job_task_id);
    await db.dataSource.query(`UPDATE task_queue SET lease_owner = 'worker-1', lease_expires_at = now() + interval '1 hour' WHERE job_task_id = $1`, [running]);
    await db.dataSource.query(`UPDATE job_task SET status = 'IN_PROGRESS', created_count = 4 WHERE job_task_id = $1`, [running]);
    await collectParts(db.dataSource, config).ending.finish(ended, { status: 'SUCCESS' });
    const onTime = await createJob(db.dataSource, { count: 1, timeoutSeconds: 60 });
    await age(late.jobId, 61);
    await age(onTime.jobId, 30);

    const sweepers = await Promise.all([1, 2, 3, 4].map(() => sweeperOn()));
    await Promise.all(sweepers.map((sweeper) => sweeper.sweep()));

    expect(await jobRow(db.dataSource, late.jobId)).toMatchObject({ status: 'TIMEOUT', remained_tasks: 0, success_tasks: 1, failure_tasks: 2 });
    const tasks = await db.dataSource.query(`SELECT job_task_id, status, created_count, errors FROM job_task WHERE job_id = $1`, [late.jobId]);
    const byId = Object.fromEntries(tasks.map((task: { job_task_id: string }) => [task.job_task_id, task]));
    expect(byId[ended]).toMatchObject({ status: 'SUCCESS', errors: [] });
    expect(byId[running]).toMatchObject({ status: 'TIMEOUT', created_count: 4 });
    for (const id of late.tasks.map((task) => task.job_task_id).filter((id) => id !== ended)) {
      expect(byId[id].errors).toEqual([{ error_code: 'ERROR_JOB_TIMEOUT', message: 'The job did not end within its timeout of 60 s.', additional: {} }]);
    }
    expect(await jobRow(db.dataSource, onTime.jobId)).toMatchObject({ status: 'IN_PROGRESS', remained_tasks: 1 });
    expect(await inventoryInvariantViolations(db.database.url)).toEqual([]);
  });

  it('counts task endings that were recorded but never folded (their process died in between)', async () => {
    const job = await createJob(db.dataSource, { count: 3, leaseOwner: 'worker-1' });
    const { states } = collectParts(db.dataSource, config);
    // the endings commit; their process dies before it folds them
    for (const task of job.tasks) await db.dataSource.transaction((manager) => states.end(manager, task.job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' }));
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'IN_PROGRESS', remained_tasks: 3 });
    await (await sweeperOn()).sweep();
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'SUCCESS', remained_tasks: 0, success_tasks: 3 });
  });
});
