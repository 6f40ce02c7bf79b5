import { ErrorCode } from '@cloud-inventory/grpc';
import type { JsonRecord } from '@cloud-inventory/testing';
import { inventoryProtoJson } from '../common/proto-http';
import { createJob, JobFixture } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { toJobTaskInfo } from './job-task.mapper';
import { JobTaskRepository } from './job-task.repository';
import { JobTaskService } from './job-task.service';

/** JobTask list and stat through the service and repository, on PostgreSQL. */

const DOMAIN = 'domain-task-a';
const OTHER = 'domain-task-b';
const scope = { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const };

interface Counts {
  status: 'SUCCESS' | 'FAILURE' | 'PENDING';
  created: number;
  updated: number;
  failures: number;
  errors: { error_code: string; message: string; additional: Record<string, unknown> }[];
}

describe('JobTask list and stat on PostgreSQL', () => {
  let db: MigratedDatabase;
  let service: JobTaskService;
  let repository: JobTaskRepository;
  let job: JobFixture;
  let otherJob: JobFixture;
  let other: JobFixture;
  const counts = new Map<string, Counts>();

  const decode = <T>(type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<T>(`spaceone.api.inventory.v1.${type}`, json);
  const list = (request: Record<string, unknown>, s = scope) => service.list(decode('JobTaskQuery', request), s);
  const stat = (query: Record<string, unknown>, s = scope) => service.stat(decode('JobTaskStatQuery', { query }), s) as Promise<JsonRecord>;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    repository = new JobTaskRepository(db.dataSource);
    service = new JobTaskService(repository);
    job = await createJob(db.dataSource, { count: 6, domainId: DOMAIN, secrets: ['secret-1', 'secret-2', 'secret-3'], workspaceId: 'ws-1' });
    otherJob = await createJob(db.dataSource, { count: 2, domainId: DOMAIN, workspaceId: 'ws-2' });
    other = await createJob(db.dataSource, { count: 3, domainId: OTHER });
    for (const [i, task] of job.tasks.entries()) {
      const entry: Counts =
        i === 5
          ? { status: 'PENDING', created: 0, updated: 0, failures: 0, errors: [] }
          : i % 3 === 2
            ? {
                status: 'FAILURE',
                created: 0,
                updated: 199,
                failures: 1,
                errors: [{ error_code: 'ERROR_PLUGIN', message: '{"tags": ["Could not interpret the value as a list"]}', additional: { resource_type: 'inventory.CloudService' } }],
              }
            : { status: 'SUCCESS', created: 4 * (i + 1), updated: i === 0 ? 1500 : 238, failures: 0, errors: [] };
      counts.set(task.job_task_id, entry);
      await db.dataSource.query(
        `UPDATE job_task SET status = $2, created_count = $3, updated_count = $4, failure_count = $5, errors = $6,
                started_at = CASE WHEN $2 = 'PENDING' THEN NULL ELSE now() END,
                finished_at = CASE WHEN $2 = 'PENDING' THEN NULL ELSE now() END,
                created_at = now() - make_interval(mins => $7)
          WHERE job_task_id = $1`,
        [task.job_task_id, entry.status, entry.created, entry.updated, entry.failures, JSON.stringify(entry.errors), 10 - i],
      );
    }
  });

  afterAll(() => db.close());

  it('lists the caller domain newest first, each row the JobTaskInfo that get returns', async () => {
    const { results, total_count } = await list({});
    expect(total_count).toBe(job.tasks.length + otherJob.tasks.length);
    const created = results.map((r) => r.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    for (const row of results) expect(row).toEqual(toJobTaskInfo((await repository.findOne(DOMAIN, row.job_task_id))!));
    expect(results.map((r) => r.job_task_id)).not.toEqual(expect.arrayContaining([other.tasks[0].job_task_id]));
  });

  it('applies the JobTaskQuery filters and the workspace', async () => {
    const ids = async (request: Record<string, unknown>) => (await list(request)).results.map((r) => r.job_task_id).sort();
    const ofJob = (predicate: (c: Counts, i: number) => boolean) => job.tasks.filter((t, i) => predicate(counts.get(t.job_task_id)!, i)).map((t) => t.job_task_id).sort();
    expect(await ids({ job_id: job.jobId })).toEqual(ofJob(() => true));
    expect(await ids({ job_id: job.jobId, status: 'FAILURE' })).toEqual(ofJob((c) => c.status === 'FAILURE'));
    expect(await ids({ status: 'PENDING', job_id: job.jobId })).toEqual(ofJob((c) => c.status === 'PENDING'));
    expect(await ids({ secret_id: 'secret-2' })).toEqual(ofJob((_, i) => i % 3 === 1));
    expect(await ids({ workspace_id: 'ws-2' })).toEqual(otherJob.tasks.map((t) => t.job_task_id).sort());
    expect(await ids({ job_id: other.jobId })).toEqual([]);
    expect(await ids({ provider: 'synthetic', job_id: otherJob.jobId })).toEqual(otherJob.tasks.map((t) => t.job_task_id).sort());
  });

  it('filters on errors, a JSON array of ErrorInfo, and narrows rows with only', async () => {
    const { results, total_count } = await list({
      query: { filter: [{ k: 'errors.error_code', v: 'ERROR_PLUGIN', o: 'eq' }], only: ['job_task_id', 'errors'] },
    });
    const failed = job.tasks.filter((t) => counts.get(t.job_task_id)!.status === 'FAILURE');
    expect(total_count).toBe(failed.length);
    for (const row of results) {
      expect(Object.keys(row).sort()).toEqual(['created_at', 'errors', 'job_task_id']);
      expect(row.errors).toEqual(counts.get(row.job_task_id)!.errors);
    }
    expect((await list({ query: { filter: [{ k: 'errors', v: false, o: 'exists' }] } })).total_count).toBe(0);
    const minimal = await list({ query: { minimal: true, page: { limit: 1 } } });
    expect(Object.keys(minimal.results[0]).sort()).toEqual(
      ['job_task_id', 'status', 'created_count', 'updated_count', 'disconnected_count', 'deleted_count', 'failure_count', 'job_id', 'created_at', 'started_at', 'finished_at'].sort(),
    );
  });

  it('answers the stat request of the reference (§3.2): per-status summary of one job, with a conditional count', async () => {
    const result = await stat({
      filter: [{ k: 'job_id', v: job.jobId, o: 'eq' }],
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
        { sort: [{ key: 'tasks', desc: true }, { key: 'status' }] },
      ],
      page: { start: 1, limit: 10 },
    });
    const groups = new Map<string, { status: string; tasks: number; created: number; updated: number; failures: number; slow: number }>();
    for (const entry of counts.values()) {
      const group = groups.get(entry.status) ?? { status: entry.status, tasks: 0, created: 0, updated: 0, failures: 0, slow: 0 };
      group.tasks += 1;
      group.created += entry.created;
      group.updated += entry.updated;
      group.failures += entry.failures;
      group.slow += entry.updated >= 1000 ? 1 : 0;
      groups.set(entry.status, group);
    }
    const expected = [...groups.values()].sort((a, b) => b.tasks - a.tasks || (a.status < b.status ? -1 : 1));
    expect(result).toEqual({ results: expected, total_count: expected.length });
    // JobTask.stat is not capped: no page, no total_count
    const unpaged = await stat({ aggregate: [{ count: { name: 'n' } }] });
    expect(unpaged).toEqual({ results: [{ n: job.tasks.length + otherJob.tasks.length }] });
    expect(await stat({ aggregate: [{ count: { name: 'n' } }] }, { domain_id: OTHER, role: 'DOMAIN_ADMIN' as const })).toEqual({ results: [{ n: other.tasks.length }] });
  });

  it('refuses keys that are not JobTaskInfo fields (task_options is internal)', async () => {
    await expect(list({ query: { filter: [{ k: 'task_options', v: null, o: 'exists' }] } })).rejects.toMatchObject({ code: ErrorCode.OPERATOR_BOOLEAN_TYPE });
    await expect(list({ query: { filter: [{ k: 'task_options', v: true, o: 'exists' }] } })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER });
    await expect(list({ query: { sort: [{ key: 'task_options.x' }] } })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER });
  });
});
