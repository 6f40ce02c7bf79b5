import { ErrorCode } from '@cloud-inventory/grpc';
import { CollectorRepository } from '../collector/collector.repository';
import { IngestRepository } from '../ingest/ingest.repository';
import { JobTaskRepository } from '../job-task/job-task.repository';
import { JobRepository } from '../job/job.repository';
import { collectParts } from '../testing/collect-parts';
import { ingestContextOf, instance, itemsOf } from '../testing/cloud-services';
import { createJob, jobRow } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { CollectDeletionService } from './collect-deletion.service';

describe('CollectDeletionService against PostgreSQL', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let deletions: CollectDeletionService;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    const parts = collectParts(db.dataSource, testConfig());
    ingest = parts.ingest;
    deletions = new CollectDeletionService(
      db.dataSource,
      new CollectorRepository(db.dataSource),
      new JobRepository(db.dataSource),
      new JobTaskRepository(db.dataSource),
      ingest,
      parts.ending,
      parts.states,
    );
  });

  afterAll(() => db.close());

  const count = async (sql: string, values: unknown[]) => (await db.dataSource.query(sql, values))[0].n as number;
  const scope = { domain_id: 'domain-test', role: 'DOMAIN_ADMIN' as const };

  /** A job that has written one batch (so it has seen-rows) and is still running. */
  async function runningJob(collectorId: string, workspaceId: string) {
    const job = await createJob(db.dataSource, { count: 2, leaseOwner: 'worker-1', collectorId, workspaceId });
    await ingest.writeBatch(ingestContextOf(job), itemsOf(job, [instance(1)]), []);
    // a second write of the same resource is unchanged: recorded as seen
    await ingest.writeBatch(ingestContextOf(job), itemsOf(job, [instance(1)]), []);
    expect(await count(`SELECT count(*)::int AS n FROM collect_seen WHERE job_id = $1`, [job.jobId])).toBe(1);
    return job;
  }

  async function insertCollector(collectorId: string) {
    await db.dataSource.query(
      `INSERT INTO collector (collector_id, name, plugin_id, plugin_info, secret_filter, schedule, resource_group, domain_id, workspace_id)
       VALUES ($1, $1, 'synthetic', '{}', '{}', '{}', 'DOMAIN', 'domain-test', '*')`,
      [collectorId],
    );
  }

  it('deletes a collector with its jobs, their tasks, queue entries and seen-rows; its resources stay', async () => {
    await insertCollector('collector-del');
    const jobs = [await runningJob('collector-del', 'ws-del')];
    await db.dataSource.query(`UPDATE job SET status = 'SUCCESS' WHERE job_id = $1`, [jobs[0].jobId]);
    jobs.push(await runningJob('collector-del', 'ws-del'));
    const ids = jobs.map((job) => job.jobId);

    await deletions.deleteCollector('collector-del', scope);
    expect(await count(`SELECT count(*)::int AS n FROM collector WHERE collector_id = 'collector-del'`, [])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM job WHERE job_id = ANY($1)`, [ids])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM job_task WHERE job_id = ANY($1)`, [ids])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM task_queue q JOIN job_task t USING (job_task_id) WHERE t.job_id = ANY($1)`, [ids])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM collect_seen WHERE job_id = ANY($1)`, [ids])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM cloud_service WHERE workspace_id = 'ws-del'`, [])).toBe(1);
    await expect(deletions.deleteCollector('collector-del', scope)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('deletes a job with its seen-rows, in the caller domain only', async () => {
    const job = await runningJob('collector-job-del', 'ws-job-del');
    await expect(deletions.deleteJob(job.jobId, { domain_id: 'domain-other', role: 'DOMAIN_ADMIN' as const })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await jobRow(db.dataSource, job.jobId)).toBeDefined();
    await deletions.deleteJob(job.jobId, scope);
    expect(await jobRow(db.dataSource, job.jobId)).toBeUndefined();
    expect(await count(`SELECT count(*)::int AS n FROM collect_seen WHERE job_id = $1`, [job.jobId])).toBe(0);
  });

  it('ends a running task as CANCELED before deleting it, so that its job still finishes', async () => {
    const job = await runningJob('collector-task-del', 'ws-task-del');
    await deletions.deleteJobTask(job.tasks[0].job_task_id, scope);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'IN_PROGRESS', remained_tasks: 1, failure_tasks: 1 });
    await deletions.deleteJobTask(job.tasks[1].job_task_id, scope);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'FAILURE', remained_tasks: 0, failure_tasks: 2 });
    expect(await count(`SELECT count(*)::int AS n FROM job_task WHERE job_id = $1`, [job.jobId])).toBe(0);
    // the job finished: its seen-rows went with the last ending
    expect(await count(`SELECT count(*)::int AS n FROM collect_seen WHERE job_id = $1`, [job.jobId])).toBe(0);
    await expect(deletions.deleteJobTask(job.tasks[1].job_task_id, scope)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });
});
