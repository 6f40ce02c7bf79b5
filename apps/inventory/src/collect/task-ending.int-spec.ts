import { IngestRepository } from '../ingest/ingest.repository';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { ingestContextOf, instance, itemsOf } from '../testing/cloud-services';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { TaskEnding } from './task-ending';

describe('TaskEnding against PostgreSQL', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let ending: TaskEnding;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    const config = testConfig({ disconnectedDeleteAfter: 2 });
    const states = new TaskStateRepository(db.dataSource, config);
    ingest = new IngestRepository(db.dataSource, config, states);
    ending = new TaskEnding(db.dataSource, states, ingest);
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
});
