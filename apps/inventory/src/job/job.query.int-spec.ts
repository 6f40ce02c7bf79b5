import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { defineResourceSchema } from '@cloud-inventory/query';
import type { JsonRecord } from '@cloud-inventory/testing';
import { ResourceQueries } from '../common/resource-queries';
import { inventoryProtoJson } from '../common/proto-http';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { toJobInfo } from './job.mapper';
import { JobRepository } from './job.repository';
import { JobService } from './job.service';

/** Job list, stat and analyze through the service and repository, on PostgreSQL. */

const DOMAIN = 'domain-job-a';
const OTHER = 'domain-job-b';
const scope = { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const };
const DAY = 86_400_000;
const STATUSES = ['SUCCESS', 'FAILURE', 'IN_PROGRESS', 'CANCELED', 'SUCCESS', 'TIMEOUT'] as const;

interface Seed {
  job_id: string;
  domain: string;
  workspace: string;
  status: (typeof STATUSES)[number];
  collector: string;
  plugin: string;
  tasks: number;
  failures: number;
  created: Date;
}

const now = Date.now();
const SEEDS: Seed[] = Array.from({ length: 24 }, (_, i) => {
  const status = STATUSES[i % STATUSES.length];
  const tasks = 1 + (i % 4);
  return {
    job_id: `job-${(0xa00000000000 + i * 7919).toString(16)}`,
    domain: i < 20 ? DOMAIN : OTHER,
    workspace: i % 3 === 0 ? '*' : i % 3 === 1 ? 'ws-1' : 'ws-2',
    status,
    collector: i % 2 === 0 ? 'collector-2c0847644f39' : 'collector-accd02663b3d',
    plugin: i % 2 === 0 ? 'plugin-aws' : 'plugin-openstack',
    tasks,
    failures: status === 'FAILURE' ? 1 : 0,
    created: new Date(now - i * 2 * DAY - 60_000), // every second day, going back 46 days
  };
});
const mine = SEEDS.filter((s) => s.domain === DOMAIN);
const newestFirst = (rows: Seed[]) => [...rows].sort((a, b) => b.created.getTime() - a.created.getTime());

describe('Job list, stat and analyze on PostgreSQL', () => {
  let db: MigratedDatabase;
  let service: JobService;
  let repository: JobRepository;

  const decode = <T>(type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<T>(`spaceone.api.inventory.v1.${type}`, json);
  const list = (request: Record<string, unknown>, s = scope) => service.list(decode('JobsQuery', request), s);
  const stat = (query: Record<string, unknown>, s = scope) => service.stat(decode('JobStatQuery', { query }), s) as Promise<JsonRecord>;
  const analyze = (query: Record<string, unknown>) => service.analyze(decode('JobAnalyzeQuery', { query }), scope) as Promise<JsonRecord>;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    repository = new JobRepository(db.dataSource);
    service = new JobService(repository);
    for (const s of SEEDS) {
      const finished = s.status === 'IN_PROGRESS';
      await db.dataSource.query(
        `INSERT INTO job (job_id, status, total_tasks, remained_tasks, success_tasks, failure_tasks, request_secret_id,
                          request_workspace_id, resource_group, domain_id, workspace_id, collector_id, plugin_id,
                          created_at, updated_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $14, '', $7, $8, $9, $10, $11, $12, $12, $13)`,
        [
          s.job_id,
          s.status,
          s.tasks,
          finished ? s.tasks : 0,
          finished ? 0 : s.tasks - s.failures,
          finished ? 0 : s.failures,
          s.workspace === '*' ? 'DOMAIN' : 'WORKSPACE',
          s.domain,
          s.workspace,
          s.collector,
          s.plugin,
          s.created,
          finished ? null : new Date(s.created.getTime() + 60_000),
          `secret-of-${s.job_id}`, // one running job per collector and request: each its own request
        ],
      );
    }
  });

  afterAll(() => db.close());

  it('lists the caller domain, newest first, each row the JobInfo that get returns', async () => {
    const { results, total_count } = await list({ query: {} });
    expect(total_count).toBe(mine.length);
    expect(results.map((r) => r.job_id)).toEqual(newestFirst(mine).map((s) => s.job_id));
    for (const row of results) expect(row).toEqual(toJobInfo((await repository.findOne(DOMAIN, row.job_id))!));
    expect(results.find((r) => r.status === 'IN_PROGRESS')!.finished_at).toBe('');
    expect((await list({}, { domain_id: OTHER, role: 'DOMAIN_ADMIN' as const })).total_count).toBe(SEEDS.length - mine.length);
  });

  it('applies the JobsQuery filters; CREATED reads as IN_PROGRESS and ERROR as FAILURE', async () => {
    const ids = async (request: Record<string, unknown>) => (await list(request)).results.map((r) => r.job_id).sort();
    const expected = (predicate: (s: Seed) => boolean) => mine.filter(predicate).map((s) => s.job_id).sort();
    expect(await ids({ status: 'SUCCESS' })).toEqual(expected((s) => s.status === 'SUCCESS'));
    expect(await ids({ status: 'ERROR' })).toEqual(expected((s) => s.status === 'FAILURE'));
    expect(await ids({ status: 'FAILURE' })).toEqual(expected((s) => s.status === 'FAILURE'));
    expect(await ids({ status: 'CREATED' })).toEqual(expected((s) => s.status === 'IN_PROGRESS'));
    expect(await ids({ status: 'TIMEOUT', collector_id: 'collector-accd02663b3d' })).toEqual(
      expected((s) => s.status === 'TIMEOUT' && s.collector === 'collector-accd02663b3d'),
    );
    expect(await ids({ plugin_id: 'plugin-aws' })).toEqual(expected((s) => s.plugin === 'plugin-aws'));
    expect(await ids({ job_id: mine[3].job_id })).toEqual([mine[3].job_id]);
    expect(await ids({ job_id: SEEDS[22].job_id })).toEqual([]); // another domain's job
  });

  it('narrows to a workspace plus the domain-level jobs, and no filter widens the scope', async () => {
    const ids = async (request: Record<string, unknown>) => (await list(request)).results.map((r) => r.job_id).sort();
    expect(await ids({ workspace_id: 'ws-1' })).toEqual(mine.filter((s) => s.workspace === 'ws-1' || s.workspace === '*').map((s) => s.job_id).sort());
    expect(await ids({ workspace_id: 'ws-1', query: { filter: [{ k: 'workspace_id', v: 'ws-2', o: 'eq' }] } })).toEqual([]);
    expect(await ids({ query: { filter: [{ k: 'domain_id', v: OTHER, o: 'eq' }] } })).toEqual([]);
    expect(await ids({ query: { filter_or: [{ k: 'domain_id', v: OTHER, o: 'eq' }, { k: 'job_id', v: 'job-', o: 'contain' }] } })).toEqual(
      mine.map((s) => s.job_id).sort(),
    );
  });

  it('answers the list request of the reference (§3.1) with just the fields asked for and the sort key', async () => {
    const { results, total_count } = await list({
      collector_id: 'collector-2c0847644f39',
      query: {
        filter: [
          { k: 'status', v: ['IN_PROGRESS', 'FAILURE'], o: 'in' },
          { k: 'created_at', v: 'now/d - 7d', o: 'timediff_gte' },
        ],
        keyword: mine[0].job_id.slice(0, 7),
        sort: [{ key: 'created_at', desc: true }],
        page: { start: 1, limit: 10 },
        only: ['job_id', 'status', 'total_tasks', 'remained_tasks', 'failure_tasks'],
      },
    });
    const since = new Date(now);
    since.setUTCHours(0, 0, 0, 0);
    const expected = newestFirst(
      mine.filter(
        (s) =>
          s.collector === 'collector-2c0847644f39' &&
          ['IN_PROGRESS', 'FAILURE'].includes(s.status) &&
          s.created.getTime() >= since.getTime() - 7 * DAY,
      ),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(total_count).toBe(expected.length);
    expect(results).toEqual(
      expected.map((s) => ({
        job_id: s.job_id,
        status: s.status,
        total_tasks: s.tasks,
        remained_tasks: s.status === 'IN_PROGRESS' ? s.tasks : 0,
        failure_tasks: s.failures,
        created_at: s.created.toISOString(),
      })),
    );
  });

  it('gives the minimal view and count_only, and takes a huge page limit as the cap', async () => {
    const minimal = await list({ query: { minimal: true, page: { limit: 2 } } });
    expect(minimal.results.map((r) => Object.keys(r).sort())).toEqual([
      ['collector_id', 'created_at', 'finished_at', 'job_id', 'plugin_id', 'status'],
      ['collector_id', 'created_at', 'finished_at', 'job_id', 'plugin_id', 'status'],
    ]);
    expect(await list({ query: { count_only: true, filter: [{ k: 'status', v: 'SUCCESS', o: 'eq' }] } })).toEqual({
      results: [],
      total_count: mine.filter((s) => s.status === 'SUCCESS').length,
    });
    const paged = await list({ query: { page: { start: 19, limit: 1_000_000 } } });
    expect(paged.results.map((r) => r.job_id)).toEqual(newestFirst(mine).slice(18).map((s) => s.job_id));
  });

  it('stat always pages (set_query_page_limit): total_count even without a page', async () => {
    const result = await stat({
      aggregate: [
        { group: { keys: [{ key: 'status', name: 'status' }], fields: [{ operator: 'count', name: 'count' }, { key: 'total_tasks', operator: 'sum', name: 'tasks' }] } },
        { sort: [{ key: 'status' }] },
      ],
    });
    const byStatus = new Map<string, { status: string; count: number; tasks: number }>();
    for (const s of mine) {
      const entry = byStatus.get(s.status) ?? { status: s.status, count: 0, tasks: 0 };
      entry.count += 1;
      entry.tasks += s.tasks;
      byStatus.set(s.status, entry);
    }
    const expected = [...byStatus.values()].sort((a, b) => (a.status < b.status ? -1 : 1));
    expect(result).toEqual({ results: expected, total_count: expected.length });
    expect(await stat({ distinct: 'collector_id' })).toEqual({
      results: ['collector-2c0847644f39', 'collector-accd02663b3d'],
      total_count: 2,
    });
    // another domain's jobs never count
    expect((await stat({ aggregate: [{ count: { name: 'n' } }] }, { domain_id: OTHER, role: 'DOMAIN_ADMIN' as const })).results).toEqual([{ n: SEEDS.length - mine.length }]);
  });

  it('answers the analyze request of the reference (§3.3): field_group pivot with _total_ fields, more', async () => {
    const result = await analyze({
      group_by: ['collector_id', 'status'],
      field_group: ['status'],
      fields: { jobs: { operator: 'count' }, tasks: { key: 'total_tasks', operator: 'sum' } },
      filter: [{ k: 'created_at', v: 'now/d - 30d', o: 'timediff_gte' }],
      sort: [{ key: 'jobs', desc: true }],
      page: { limit: 5 },
    });
    const since = new Date(now);
    since.setUTCHours(0, 0, 0, 0);
    const recent = mine.filter((s) => s.created.getTime() >= since.getTime() - 30 * DAY);
    const collectors = [...new Set(recent.map((s) => s.collector))];
    const expected = collectors
      .map((collector) => {
        const rows = recent.filter((s) => s.collector === collector);
        const statuses = [...new Set(rows.map((s) => s.status))];
        return {
          collector_id: collector,
          jobs: statuses.map((status) => ({ value: rows.filter((s) => s.status === status).length, status })),
          _total_jobs: rows.length,
          tasks: statuses.map((status) => ({ value: rows.filter((s) => s.status === status).reduce((n, s) => n + s.tasks, 0), status })),
          _total_tasks: rows.reduce((n, s) => n + s.tasks, 0),
        };
      })
      .sort((a, b) => b._total_jobs - a._total_jobs);
    expect(result.more).toBe(false);
    expect(result.results).toHaveLength(expected.length);
    for (const [index, row] of result.results.entries()) {
      expect(row).toEqual({ ...expected[index], jobs: expect.arrayContaining(expected[index].jobs), tasks: expect.arrayContaining(expected[index].tasks) });
      expect(row.jobs).toHaveLength(expected[index].jobs.length);
    }
    const limited = await analyze({ group_by: ['status'], fields: { n: { operator: 'count' } }, page: { limit: 2 } });
    expect(limited).toEqual({ results: expect.any(Array), more: true });
    expect(limited.results).toHaveLength(2);
  });

  it('turns query mistakes into AppErrors with Cloudforet codes (INVALID_ARGUMENT at the edge)', async () => {
    const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as AppError);
    const unknownKey = await failure(list({ query: { filter: [{ k: 'collector.name', v: 'x', o: 'eq' }] } }));
    expect(unknownKey).toBeInstanceOf(AppError);
    expect(unknownKey!.code).toBe(ErrorCode.INVALID_PARAMETER);
    expect(unknownKey!.wireMessage).toMatch(/^ERROR_INVALID_PARAMETER: .*collector\.name/);
    const badDate = await failure(list({ query: { filter: [{ k: 'created_at', v: 'yesterday', o: 'datetime_gt' }] } }));
    expect(badDate!.code).toBe(ErrorCode.DB_QUERY);
    expect((await failure(stat({})))!.code).toBe(ErrorCode.REQUIRED_PARAMETER);
    expect((await failure(analyze({ group_by: ['status'] })))!.code).toBe(ErrorCode.REQUIRED_PARAMETER);
    const unknownStage = await failure(stat({ aggregate: [{ group: { keys: [{ key: 'status', name: 'status' }], fields: [{ operator: 'median', name: 'm' }] } }] }));
    expect(unknownStage!.code).toBe(ErrorCode.DB_QUERY);
  });

  it('runs each query read-only: a query whose field writes is refused by PostgreSQL, and nothing is written', async () => {
    // a schema written for this test only: a field whose expression inserts a row (a function, as a
    // compiled query never writes by itself; the transaction, not the compiler, must refuse it)
    await db.dataSource.query(`CREATE TABLE query_write_probe (job_id text)`);
    await db.dataSource.query(
      `CREATE FUNCTION query_write_probe(id text) RETURNS text LANGUAGE sql VOLATILE
         AS $$ INSERT INTO query_write_probe VALUES (id) RETURNING job_id $$`,
    );
    const writing = defineResourceSchema({
      resource: 'WritingJob',
      table: 'job',
      idKey: 'job_id',
      scope: { domainColumn: 'domain_id' },
      fields: { job_id: 'text', created_at: 'timestamptz', written: { type: 'text', sql: 'query_write_probe(job_id)' } },
    });
    const queries = new ResourceQueries(db.dataSource, writing);
    const attempts = [
      () => queries.search({ only: ['written'], page: { limit: 5 } }, scope),
      () => queries.stat({ aggregate: [{ group: { keys: [{ key: 'written', name: 'w' }], fields: [{ operator: 'count', name: 'n' }] } }] }, scope),
      () => queries.analyze({ group_by: ['written'], fields: { n: { operator: 'count' } } }, scope),
    ];
    for (const attempt of attempts) {
      // 25006: read_only_sql_transaction ("cannot execute INSERT in a read-only transaction")
      await expect(attempt()).rejects.toMatchObject({ code: '25006' });
    }
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM query_write_probe`)).toEqual([{ n: 0 }]);
    // the same expression outside a query's transaction does write: the probe itself works
    await db.dataSource.query(`SELECT query_write_probe('probe')`);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM query_write_probe`)).toEqual([{ n: 1 }]);
  });

  it('runs each query under a statement timeout: a query past it is canceled, as ERROR_REQUEST_TIMEOUT', async () => {
    // a schema written for this test only: a field whose expression takes 300 ms a row
    const slow = defineResourceSchema({
      resource: 'SlowJob',
      table: 'job',
      idKey: 'job_id',
      scope: { domainColumn: 'domain_id' },
      fields: { job_id: 'text', created_at: 'timestamptz', slow: { type: 'text', sql: 'pg_sleep(0.3)::text' } },
    });
    const queries = new ResourceQueries(db.dataSource, slow, 100);
    // five rows of 300 ms each would take 1.5 s; the 100 ms timeout cancels it
    await expect(queries.search({ only: ['slow'], page: { limit: 5 } }, scope)).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
    // the connection went back to the pool without the timeout: the next query runs normally
    expect((await queries.search({ only: ['job_id'], page: { limit: 1 } }, scope)).total_count).toBe(mine.length);
    expect((await db.dataSource.query('SHOW statement_timeout'))[0].statement_timeout).toBe('0');
  });
});
