import { TestDatabase, createTestDatabase } from '@cloud-inventory/database/testing';
import { Client } from 'pg';
import {
  CloudServiceRow,
  DOMAIN_A,
  DOMAIN_B,
  JobRow,
  cloudServiceSchema,
  jobSchema,
  loadFixture,
  seedCloudServices,
  seedJobs,
} from '../testing/sample-tables';
import { OracleCondition, keyReader, matches } from '../testing/mongo-oracle';
import { compileAnalyze } from './analyze-compiler';
import { QueryError } from './query-error';
import { runAnalyze, runSearch, runStat } from './query-runner';
import { compileSearch } from './search-compiler';
import { compileStat } from './stat-compiler';

/**
 * The compiler against real PostgreSQL, checked row by row against an independent JS model of
 * Cloudforet's semantics over the same seed data.
 */

const NOW = new Date('2024-02-14T10:30:00.000Z'); // a Wednesday, inside the seeded range
const CLOUD_SERVICES = seedCloudServices();
const JOBS = seedJobs();
const SCOPE_A = { domain_id: DOMAIN_A };
const csA = CLOUD_SERVICES.filter((row) => row.domain_id === DOMAIN_A);
const jobsA = JOBS.filter((row) => row.domain_id === DOMAIN_A);

/** Instants the timediff values used below stand for, at NOW; worked out by hand. */
const TIMEDIFF: Record<string, string> = {
  'now/w': '2024-02-12T00:00:00.000Z',
  'now/m - 1d': '2024-01-31T00:00:00.000Z',
  'now/d - 30d': '2024-01-15T00:00:00.000Z',
  'now - 36h': '2024-02-12T22:30:00.000Z',
  'now/d + 1w': '2024-02-21T00:00:00.000Z',
};
const timeOf = (text: string) => Date.parse(TIMEDIFF[text]);

const readCloudService = keyReader({
  'collection_info.collector_id': (row) => row['collector_id'],
  'reference.resource_id': (row) => (row['reference'] as { resource_id?: string } | null)?.resource_id,
});
const readJob = keyReader({ 'plugin_info.plugin_id': (row) => row['plugin_id'] });

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase('query');
  client = new Client({ connectionString: database.url });
  await client.connect();
  await loadFixture(client, CLOUD_SERVICES, JOBS);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

async function ids(schema: typeof cloudServiceSchema, idKey: string, filter: unknown[], filterOr: unknown[] = []): Promise<string[]> {
  const { results, total_count } = await runSearch(
    client,
    compileSearch(schema, { filter, filter_or: filterOr, only: [idKey], page: { limit: 1000 } }, SCOPE_A, undefined, { now: NOW }),
  );
  expect(results).toHaveLength(total_count);
  return results.map((row) => row[idKey] as string).sort();
}

const sample = (rows: readonly CloudServiceRow[], index: number) => rows[index];

const CLOUD_SERVICE_CASES: OracleCondition[] = [
  { k: 'name', v: sample(csA, 3).name, o: 'eq' },
  { k: 'name', v: null, o: 'eq' },
  { k: 'name', v: null, o: 'not' },
  { k: 'name', v: sample(csA, 3).name, o: 'not' },
  { k: 'state', v: ['ACTIVE', 'DELETED'], o: 'in' },
  { k: 'state', v: ['ACTIVE'], o: 'not_in' },
  { k: 'name', v: [sample(csA, 5).name, null], o: 'in' },
  { k: 'name', v: [sample(csA, 5).name, null], o: 'not_in' },
  { k: 'instance_size', v: 2, o: 'lt' },
  { k: 'instance_size', v: 2, o: 'lte' },
  { k: 'instance_size', v: 4, o: 'gt' },
  { k: 'instance_size', v: 4, o: 'gte' },
  { k: 'instance_size', v: 16.5, o: 'eq' },
  { k: 'instance_size', v: [1, 2], o: 'in' },
  { k: 'instance_size', v: [0.5], o: 'not_in' },
  { k: 'instance_size', v: 1, o: 'not' },
  { k: 'account', v: '123456789012', o: 'eq' },
  { k: 'name', v: 'WEB', o: 'contain' },
  { k: 'name', v: '100%', o: 'contain' },
  { k: 'name', v: '_', o: 'contain' },
  { k: 'name', v: "o'b", o: 'contain' },
  { k: 'name', v: 'web', o: 'not_contain' },
  { k: 'name', v: ['api', 'DB'], o: 'contain_in' },
  { k: 'name', v: ['web', 'api'], o: 'not_contain_in' },
  { k: 'name', v: '^web-[0-9]$', o: 'regex' },
  { k: 'name', v: ['^api', 'cache-1$'], o: 'regex_in' },
  { k: 'name', v: true, o: 'exists' },
  { k: 'region_code', v: false, o: 'exists' },
  { k: 'name', v: 'm', o: 'gt' },
  { k: 'created_at', v: '2024-02-01', o: 'datetime_gte' },
  { k: 'created_at', v: '2024-01-15T12:00:00+09:00', o: 'datetime_lt' },
  { k: 'created_at', v: 'now/w', o: 'timediff_lt' },
  { k: 'created_at', v: 'now/m - 1d', o: 'timediff_gte' },
  { k: 'updated_at', v: 'now - 36h', o: 'timediff_gt' },
  { k: 'updated_at', v: '2024-02-01T00:00:00Z', o: 'gt' },
  { k: 'updated_at', v: '2024-02-01T00:00:00Z', o: 'lte' },
  { k: 'reference.resource_id', v: 'arn:aws:ec2:5', o: 'eq' },
  { k: 'reference.resource_id', v: ':1', o: 'contain' },
  { k: 'reference.resource_id', v: false, o: 'exists' },
  { k: 'reference', v: false, o: 'exists' },
  { k: 'collection_info.collector_id', v: 'collector-1', o: 'eq' },
  { k: 'collection_info.collector_id', v: 'collector-1', o: 'not' },
  { k: 'collection_info.collector_id', v: [null], o: 'in' },
  { k: 'ip_addresses', v: sample(csA.filter((row) => row.ip_addresses.length > 0), 0).ip_addresses[0], o: 'eq' },
  { k: 'ip_addresses', v: sample(csA.filter((row) => row.ip_addresses.length > 0), 0).ip_addresses[0], o: 'not' },
  { k: 'ip_addresses', v: '10.0.2', o: 'contain' },
  { k: 'ip_addresses', v: ['10.0.1.1', '10.0.3.3', '10.0.0.5'], o: 'in' },
  { k: 'ip_addresses', v: ['10.0.1.1', '10.0.3.3'], o: 'not_in' },
  { k: 'ip_addresses', v: '^10\\.0\\.3\\.', o: 'regex' },
  { k: 'data.compute.az', v: 'us-east-1a', o: 'eq' },
  { k: 'data.compute.az', v: null, o: 'eq' },
  { k: 'data.compute.az', v: 'us-east-1a', o: 'not' },
  { k: 'data.compute.az', v: ['us-west-2b', 'koreacentrala', null], o: 'in' },
  { k: 'data.compute.az', v: ['us-west-2b'], o: 'not_in' },
  { k: 'data.compute.az', v: 'EAST', o: 'contain' },
  { k: 'data.compute.az', v: '^ap-', o: 'regex' },
  { k: 'data.compute.az', v: 'us', o: 'lt' },
  { k: 'data.compute.az', v: true, o: 'exists' },
  { k: 'data.compute', v: false, o: 'exists' },
  { k: 'data.compute.instance_state', v: 'running', o: 'eq' },
  { k: 'data.compute.instance_state', v: 'RUN', o: 'contain' },
  { k: 'data.hardware.core', v: 4, o: 'gt' },
  { k: 'data.hardware.core', v: 2, o: 'lte' },
  { k: 'data.hardware.core', v: [1, 16], o: 'in' },
  { k: 'data.hardware.core', v: [1, 16], o: 'not_in' },
  { k: 'data.hardware.core', v: 4, o: 'eq' },
  { k: 'data.hardware.memory', v: 1, o: 'lt' },
  { k: 'data.hardware.memory', v: 2.5, o: 'gte' },
  { k: 'data.disks.size', v: 100, o: 'gt' },
  { k: 'data.disks.type', v: 'io1', o: 'eq' },
  { k: 'data.disks.0.size', v: 50, o: 'gt' },
  { k: 'data.disks.1.type', v: 'gp2', o: 'not' },
  { k: 'data.disks', v: { type: 'gp2', size: 8 }, o: 'match' },
  { k: 'data.disks', v: { type: 'io1' }, o: 'match' },
  { k: 'data.labels', v: 'alpha', o: 'eq' },
  { k: 'data.labels', v: 'ALP', o: 'contain' },
  { k: 'data.labels', v: ['del', 'gam'], o: 'contain_in' },
  { k: 'data.labels', v: 'a', o: 'not_contain' },
  { k: 'data.labels', v: ['beta', 'Delta'], o: 'in' },
  { k: 'data.hours', v: 5, o: 'contain' },
  { k: 'data.hours', v: 12, o: 'eq' },
  { k: 'data.launched_at', v: '2024-01-20', o: 'datetime_gte' },
  { k: 'data.launched_at', v: 'now/d - 30d', o: 'timediff_lt' },
  { k: 'data.launched_at', v: 'now/d + 1w', o: 'timediff_lte' },
  { k: 'data.os.os_type', v: '^lin', o: 'regex' },
  { k: 'data.os', v: { os_type: 'LINUX' }, o: 'eq' },
  { k: 'tags.env', v: 'prod', o: 'eq' },
  { k: 'tags.env', v: 'prod', o: 'contain' },
  { k: 'tags.env', v: 'prod', o: 'not' },
  { k: 'tags.aws:cloudformation:stack-name', v: 'stack-1', o: 'eq' },
  { k: 'tags.team', v: false, o: 'exists' },
  { k: 'tags.team', v: ['core', 'web'], o: 'not_contain_in' },
];

const sampleJob = (index: number): JobRow => jobsA[index];

const JOB_CASES: OracleCondition[] = [
  { k: 'status', v: 'SUCCESS', o: 'eq' },
  { k: 'status', v: ['SUCCESS', 'FAILURE'], o: 'not_in' },
  { k: 'total_tasks', v: 2.5, o: 'gt' },
  { k: 'total_tasks', v: 2.5, o: 'lt' },
  { k: 'total_tasks', v: 3, o: 'lte' },
  { k: 'total_tasks', v: 3.5, o: 'gte' },
  { k: 'total_tasks', v: [0, 7], o: 'in' },
  { k: 'remained_tasks', v: 0, o: 'not' },
  { k: 'labels', v: 'nightly', o: 'eq' },
  { k: 'labels', v: 'nightly', o: 'not' },
  { k: 'labels', v: ['manual', 'retry'], o: 'in' },
  { k: 'labels', v: ['manual'], o: 'not_in' },
  { k: 'labels', v: 'IGH', o: 'contain' },
  { k: 'labels', v: ['ual', 'tr'], o: 'contain_in' },
  { k: 'labels', v: false, o: 'exists' },
  { k: 'labels', v: 'n', o: 'gt' },
  { k: 'labels', v: '^re', o: 'regex' },
  { k: 'finished_at', v: false, o: 'exists' },
  { k: 'finished_at', v: null, o: 'eq' },
  { k: 'finished_at', v: '2024-01-20T00:00:00Z', o: 'datetime_gt' },
  { k: 'created_at', v: '2024-01-10', o: 'datetime_lt' },
  { k: 'plugin_info.plugin_id', v: 'plugin-aws', o: 'eq' },
  { k: 'job_id', v: sampleJob(4).job_id.slice(4, 8).toUpperCase(), o: 'contain' },
  { k: 'collector_id', v: 'r-[12]$', o: 'regex' },
];

describe('filters against PostgreSQL, compared with the JS model', () => {
  it.each(CLOUD_SERVICE_CASES.map((condition) => [JSON.stringify(condition), condition] as const))('cloud_service %s', async (_, condition) => {
    const expected = csA.filter((row) => matches(row as never, condition, readCloudService, timeOf)).map((row) => row.cloud_service_id).sort();
    expect(await ids(cloudServiceSchema, 'cloud_service_id', [condition])).toEqual(expected);
  });

  it.each(JOB_CASES.map((condition) => [JSON.stringify(condition), condition] as const))('job %s', async (_, condition) => {
    const expected = jobsA.filter((row) => matches(row as never, condition, readJob, timeOf)).map((row) => row.job_id).sort();
    expect(await ids(jobSchema, 'job_id', [condition])).toEqual(expected);
  });

  it('uses cases that select some rows but not all (so a broken operator cannot pass by accident)', () => {
    const sizes = CLOUD_SERVICE_CASES.map((condition) => csA.filter((row) => matches(row as never, condition, readCloudService, timeOf)).length);
    const informative = sizes.filter((size) => size > 0 && size < csA.length).length;
    expect(informative / sizes.length).toBeGreaterThan(0.9);
    const jobSizes = JOB_CASES.map((condition) => jobsA.filter((row) => matches(row as never, condition, readJob, timeOf)).length);
    expect(jobSizes.filter((size) => size > 0 && size < jobsA.length).length / jobSizes.length).toBeGreaterThan(0.9);
  });

  it('ANDs filter and ORs filter_or, the two groups ANDed', async () => {
    const filter: OracleCondition[] = [{ k: 'provider', v: 'aws', o: 'eq' }, { k: 'instance_size', v: 1, o: 'gte' }];
    const filterOr: OracleCondition[] = [{ k: 'tags.env', v: 'prod', o: 'eq' }, { k: 'data.hardware.core', v: 8, o: 'gte' }];
    const expected = csA
      .filter((row) => filter.every((condition) => matches(row as never, condition, readCloudService, timeOf)))
      .filter((row) => filterOr.some((condition) => matches(row as never, condition, readCloudService, timeOf)))
      .map((row) => row.cloud_service_id)
      .sort();
    expect(expected.length).toBeGreaterThan(3);
    expect(await ids(cloudServiceSchema, 'cloud_service_id', filter, filterOr)).toEqual(expected);
  });

  it('lets a GIN index serve JSON equality (the jsonpath is bound, yet planned as a constant)', async () => {
    const compiled = compileSearch(cloudServiceSchema, { filter: [{ k: 'data.compute.az', v: 'us-east-1a', o: 'eq' }], count_only: true }, SCOPE_A);
    await client.query('BEGIN');
    try {
      // without the scope index and with sequential scans discouraged, only the GIN index is left
      await client.query('DROP INDEX cloud_service_scope_idx');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query(`EXPLAIN ${compiled.count.text}`, [...compiled.count.values]);
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('Bitmap Index Scan on cloud_service_data_idx');
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

describe('scope', () => {
  it('sees only the caller domain; a filter on another domain finds nothing', async () => {
    const other = { k: 'domain_id', v: DOMAIN_B, o: 'eq' };
    expect(await ids(cloudServiceSchema, 'cloud_service_id', [other])).toEqual([]);
    expect(await ids(cloudServiceSchema, 'cloud_service_id', [], [other, { k: 'domain_id', v: DOMAIN_A, o: 'not' }])).toEqual([]);
    const count = await runSearch(client, compileSearch(jobSchema, { count_only: true }, { domain_id: DOMAIN_B }));
    expect(count.total_count).toBe(JOBS.filter((row) => row.domain_id === DOMAIN_B).length);
    const stat = await runStat(client, compileStat(jobSchema, { distinct: 'domain_id' }, SCOPE_A));
    expect(stat.results).toEqual([DOMAIN_A]);
  });

  it('narrows to the workspace(s) given', async () => {
    const one = await runSearch(client, compileSearch(jobSchema, { count_only: true }, { domain_id: DOMAIN_A, workspace_id: 'workspace-2' }));
    expect(one.total_count).toBe(jobsA.filter((row) => row.workspace_id === 'workspace-2').length);
    const both = await runSearch(client, compileSearch(jobSchema, { count_only: true }, { domain_id: DOMAIN_A, workspace_id: ['workspace-1', 'workspace-2'] }));
    expect(both.total_count).toBe(jobsA.length);
  });
});

const ascending = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('search', () => {
  it('sorts by several keys with the id as tiebreaker, pages with a 1-based start, counts before paging', async () => {
    const { results, total_count } = await runSearch(
      client,
      compileSearch(
        cloudServiceSchema,
        { filter: [{ k: 'state', v: 'ACTIVE', o: 'eq' }], sort: [{ key: 'provider' }, { key: 'instance_size', desc: true }], page: { start: 11, limit: 15 }, only: ['name'] },
        SCOPE_A,
      ),
    );
    const size = (row: CloudServiceRow) => (row.instance_size === null ? Infinity : row.instance_size); // DESC puts NULLs first
    const expected = csA
      .filter((row) => row.state === 'ACTIVE')
      .sort((a, b) => ascending(a.provider, b.provider) || size(b) - size(a) || ascending(a.cloud_service_id, b.cloud_service_id));
    expect(total_count).toBe(expected.length);
    expect(results).toEqual(
      expected.slice(10, 25).map((row) => ({ name: row.name, provider: row.provider, instance_size: row.instance_size, cloud_service_id: row.cloud_service_id })),
    );
  });

  it('orders by the default sort (created_at desc) and returns full rows in the API shape', async () => {
    const { results } = await runSearch(client, compileSearch(jobSchema, { page: { start: 0, limit: 3 } }, SCOPE_A));
    const expected = [...jobsA].sort((a, b) => b.created_at.getTime() - a.created_at.getTime()).slice(0, 3);
    expect(results).toEqual(
      expected.map((row) => ({
        job_id: row.job_id,
        status: row.status,
        total_tasks: row.total_tasks,
        remained_tasks: row.remained_tasks,
        success_tasks: row.success_tasks,
        failure_tasks: row.failure_tasks,
        collector_id: row.collector_id,
        plugin_info: { plugin_id: row.plugin_id },
        labels: row.labels,
        domain_id: row.domain_id,
        workspace_id: row.workspace_id,
        created_at: row.created_at.toISOString(),
        finished_at: row.finished_at?.toISOString() ?? null,
      })),
    );
  });

  it('projects JSON sub-paths and leaves out the missing ones', async () => {
    const { results } = await runSearch(
      client,
      compileSearch(cloudServiceSchema, { only: ['data.hardware.core', 'tags.team'], sort: [{ key: 'cloud_service_id' }], page: { limit: 20 } }, SCOPE_A),
    );
    const expected = [...csA].sort((a, b) => ascending(a.cloud_service_id, b.cloud_service_id)).slice(0, 20);
    expect(results).toEqual(
      expected.map((row) => {
        const hardware = row.data['hardware'] as { core: number } | undefined;
        return {
          ...(hardware ? { data: { hardware: { core: hardware.core } } } : {}),
          ...(row.tags['team'] !== undefined ? { tags: { team: row.tags['team'] } } : {}),
          cloud_service_id: row.cloud_service_id,
        };
      }),
    );
  });

  it('searches the keyword over the keyword fields (any word, any field, case-insensitive)', async () => {
    const words = ['WEB-1', '10.0.3', 'arn:aws:ec2:7'];
    const { results, total_count } = await runSearch(
      client,
      compileSearch(cloudServiceSchema, { keyword: ` ${words.join('  ')} `, only: ['cloud_service_id'], page: { limit: 1000 } }, SCOPE_A),
    );
    const has = (value: unknown) => typeof value === 'string' && words.some((word) => value.toLowerCase().includes(word.toLowerCase()));
    const expected = csA.filter(
      (row) =>
        has(row.cloud_service_id) || has(row.name) || row.ip_addresses.some(has) || has(row.cloud_service_group) || has(row.cloud_service_type) || has(row.reference?.['resource_id']),
    );
    expect(expected.length).toBeGreaterThan(5);
    expect(total_count).toBe(expected.length);
    expect(results.map((row) => row['cloud_service_id']).sort()).toEqual(expected.map((row) => row.cloud_service_id).sort());
  });

  it('adds typed filters from the request message', async () => {
    const { total_count } = await runSearch(client, compileSearch(jobSchema, { count_only: true }, SCOPE_A, { status: ['SUCCESS', 'FAILURE'], collector_id: 'collector-2' }));
    expect(total_count).toBe(jobsA.filter((row) => ['SUCCESS', 'FAILURE'].includes(row.status) && row.collector_id === 'collector-2').length);
  });

  it('turns a regex PostgreSQL rejects into a QueryError', async () => {
    const error = await runSearch(client, compileSearch(jobSchema, { filter: [{ k: 'status', v: '\\p{L}', o: 'regex' }] }, SCOPE_A)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryError);
    const jsonError = await runSearch(client, compileSearch(cloudServiceSchema, { filter: [{ k: 'tags.env', v: '\\p{L}', o: 'regex' }] }, SCOPE_A)).catch((caught: unknown) => caught);
    expect(jsonError).toBeInstanceOf(QueryError);
  });
});

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('stat against PostgreSQL, compared with JS', () => {
  it('groups with every operator and sorts by group names', async () => {
    const { results } = await runStat(
      client,
      compileStat(
        cloudServiceSchema,
        {
          filter: [{ k: 'state', v: 'DELETED', o: 'not' }],
          aggregate: [
            {
              group: {
                keys: [{ key: 'provider', name: 'provider' }, { key: 'cloud_service_group', name: 'group' }],
                fields: [
                  { operator: 'count', name: 'count' },
                  { operator: 'count', name: 'big', conditions: [{ key: 'instance_size', value: 4, operator: 'gte' }] },
                  { key: 'instance_size', operator: 'sum', name: 'size' },
                  { key: 'instance_size', operator: 'average', name: 'avg' },
                  { key: 'instance_size', operator: 'min', name: 'min' },
                  { key: 'instance_size', operator: 'max', name: 'max' },
                  { key: 'data.hardware.core', operator: 'max', name: 'cores' },
                  { key: 'region_code', operator: 'add_to_set', name: 'regions' },
                  { key: 'name', operator: 'push', name: 'names' },
                ],
              },
            },
            { sort: [{ key: 'provider' }, { key: 'group', desc: true }] },
          ],
        },
        SCOPE_A,
      ),
    );
    const rows = csA.filter((row) => row.state !== 'DELETED');
    const groups = [...groupBy(rows, (row) => `${row.provider}|${row.cloud_service_group}`).values()].sort(
      (a, b) => ascending(a[0].provider, b[0].provider) || ascending(b[0].cloud_service_group, a[0].cloud_service_group),
    );
    const close = (value: number) => expect.closeTo(value, 9);
    expect(results).toEqual(
      groups.map((group) => {
        const sizes = group.map((row) => row.instance_size).filter((size): size is number => size !== null);
        const cores = group.map((row) => (row.data['hardware'] as { core: number } | undefined)?.core).filter((core): core is number => core !== undefined);
        return {
          provider: group[0].provider,
          group: group[0].cloud_service_group,
          count: group.length,
          big: group.filter((row) => (row.instance_size ?? 0) >= 4).length,
          size: close(sum(sizes)),
          avg: sizes.length === 0 ? null : close(sum(sizes) / sizes.length),
          min: sizes.length === 0 ? null : Math.min(...sizes),
          max: sizes.length === 0 ? null : Math.max(...sizes),
          cores: cores.length === 0 ? null : Math.max(...cores),
          regions: expect.arrayContaining([...new Set(group.map((row) => row.region_code).filter((region) => region !== null))]),
          names: expect.arrayContaining(group.map((row) => row.name).filter((name) => name !== null)),
        };
      }),
    );
    for (const result of results as { regions: unknown[]; names: unknown[]; count: number }[]) {
      expect(new Set(result.regions).size).toBe(result.regions.length);
    }
  });

  it('groups by month (date_format) and projects a division, paged with total_count', async () => {
    const query = {
      aggregate: [
        { group: { keys: [{ key: 'created_at', name: 'month', date_format: '%Y-%m' }, { key: 'status', name: 'status' }], fields: [{ operator: 'count', name: 'jobs' }, { key: 'total_tasks', operator: 'sum', name: 'tasks' }] } },
        { project: { fields: [{ key: 'month', name: 'month' }, { key: 'status', name: 'status' }, { name: 'avg', operator: 'divide', fields: ['tasks', 'jobs'] }], exclude_keys: true } },
        { sort: [{ key: 'month' }, { key: 'status' }] },
      ],
      page: { start: 3, limit: 4 },
    };
    const { results, total_count } = await runStat(client, compileStat(jobSchema, query, SCOPE_A));
    const groups = [...groupBy(jobsA, (row) => `${row.created_at.toISOString().slice(0, 7)}|${row.status}`).entries()].sort(([a], [b]) => ascending(a, b));
    expect(total_count).toBe(groups.length);
    expect(results).toEqual(
      groups.slice(2, 6).map(([key, group]) => ({
        month: key.split('|')[0],
        status: key.split('|')[1],
        avg: expect.closeTo(sum(group.map((row) => row.total_tasks)) / group.length, 9),
      })),
    );
  });

  it('gives year/month/day as numbers', async () => {
    const { results } = await runStat(
      client,
      compileStat(jobSchema, { aggregate: [{ group: { keys: [{ key: 'created_at', name: 'y', date_format: 'year' }, { key: 'created_at', name: 'm', date_format: 'month' }], fields: [{ operator: 'count', name: 'n' }] } }, { sort: [{ key: 'm' }] }] }, SCOPE_A),
    );
    const months = groupBy(jobsA, (row) => String(row.created_at.getUTCMonth() + 1));
    expect(results).toEqual([...months.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([month, group]) => ({ y: 2024, m: Number(month), n: group.length })));
  });

  it('unwinds a JSON array, filters the elements, and sums them', async () => {
    const { results } = await runStat(
      client,
      compileStat(
        cloudServiceSchema,
        {
          aggregate: [
            { unwind: { path: 'data.disks', filter: [{ k: 'data.disks.type', v: ['gp2', 'io1'], o: 'in' }] } },
            { group: { keys: [{ key: 'data.disks.type', name: 'type' }], fields: [{ key: 'data.disks.size', operator: 'sum', name: 'size' }, { operator: 'count', name: 'disks' }] } },
            { sort: [{ key: 'type' }] },
          ],
        },
        SCOPE_A,
      ),
    );
    const disks = csA.flatMap((row) => ((row.data['disks'] as { size: number; type: string }[] | undefined) ?? []).filter((disk) => ['gp2', 'io1'].includes(disk.type)));
    const groups = [...groupBy(disks, (disk) => disk.type).entries()].sort(([a], [b]) => ascending(a, b));
    expect(results).toEqual(groups.map(([type, group]) => ({ type, size: sum(group.map((disk) => disk.size)), disks: group.length })));
  });

  it('takes first/last/push in the order of an earlier sort, and merges objects later-wins', async () => {
    const { results } = await runStat(
      client,
      compileStat(
        cloudServiceSchema,
        {
          aggregate: [
            { sort: [{ key: 'cloud_service_id' }] },
            {
              group: {
                keys: [{ key: 'provider', name: 'provider' }],
                fields: [
                  { key: 'cloud_service_id', operator: 'first', name: 'first' },
                  { key: 'cloud_service_id', operator: 'last', name: 'last' },
                  { key: 'data.hardware', operator: 'merge_objects', name: 'hardware' },
                  { operator: 'push', name: 'items', fields: [{ key: 'cloud_service_id', name: 'id' }, { key: 'created_at', name: 'at' }] },
                ],
              },
            },
            { sort: [{ key: 'provider' }] },
          ],
        },
        SCOPE_A,
      ),
    );
    const groups = [...groupBy([...csA].sort((a, b) => ascending(a.cloud_service_id, b.cloud_service_id)), (row) => row.provider).entries()].sort(([a], [b]) => ascending(a, b));
    expect(results).toEqual(
      groups.map(([provider, group]) => ({
        provider,
        first: group[0].cloud_service_id,
        last: group[group.length - 1].cloud_service_id,
        hardware: Object.assign({}, ...group.map((row) => row.data['hardware'] ?? {})),
        items: group.map((row) => ({ id: row.cloud_service_id, at: row.created_at.toISOString() })),
      })),
    );
  });

  it('counts, limits and skips', async () => {
    const count = await runStat(client, compileStat(jobSchema, { filter: [{ k: 'status', v: 'SUCCESS', o: 'eq' }], aggregate: [{ count: { name: 'total' } }] }, SCOPE_A));
    expect(count.results).toEqual([{ total: jobsA.filter((row) => row.status === 'SUCCESS').length }]);
    const none = await runStat(client, compileStat(jobSchema, { filter: [{ k: 'status', v: 'NOPE', o: 'eq' }], aggregate: [{ count: { name: 'total' } }] }, SCOPE_A));
    expect(none.results).toEqual([]);
    const page = await runStat(
      client,
      compileStat(jobSchema, { aggregate: [{ sort: [{ key: 'job_id' }] }, { skip: 5 }, { limit: 3 }, { project: { fields: [{ key: 'job_id', name: 'id' }] } }] }, SCOPE_A),
    );
    expect(page.results).toEqual([...jobsA].sort((a, b) => ascending(a.job_id, b.job_id)).slice(5, 8).map((row) => ({ id: row.job_id })));
  });

  it('gives sorted distinct values (array elements one by one) with total_count when paged', async () => {
    const regions = await runStat(client, compileStat(cloudServiceSchema, { distinct: 'region_code', page: { start: 2, limit: 3 } }, SCOPE_A));
    const allRegions = [...new Set(csA.map((row) => row.region_code).filter((region): region is string => region !== null))].sort(ascending);
    expect(regions).toEqual({ results: allRegions.slice(1, 4), total_count: allRegions.length });
    const labels = await runStat(client, compileStat(cloudServiceSchema, { distinct: 'data.labels' }, SCOPE_A));
    expect(labels).toEqual({ results: [...new Set(csA.flatMap((row) => (row.data['labels'] as string[] | undefined) ?? []))].sort(ascending) });
    const times = await runStat(client, compileStat(jobSchema, { distinct: 'finished_at', page: { limit: 1 } }, SCOPE_A));
    const first = jobsA.map((row) => row.finished_at).filter((at): at is Date => at !== null).sort((a, b) => a.getTime() - b.getTime())[0];
    expect(times.results).toEqual([first.toISOString()]);
  });
});

describe('analyze against PostgreSQL, compared with JS', () => {
  it('pivots field_group into lists with _total_ sums, sorts on the totals, and tells more', async () => {
    const { results, more } = await runAnalyze(
      client,
      compileAnalyze(
        jobSchema,
        {
          group_by: ['collector_id', 'status'],
          field_group: ['status'],
          fields: { jobs: { operator: 'count' }, tasks: { key: 'total_tasks', operator: 'sum' }, ids: { key: 'job_id', operator: 'add_to_set' } },
          filter: [{ k: 'created_at', v: 'now/m - 1d', o: 'timediff_gte' }],
          sort: [{ key: 'jobs', desc: true }],
          page: { limit: 2 },
        },
        SCOPE_A,
        undefined,
        { now: NOW },
      ),
    );
    const rows = jobsA.filter((row) => row.created_at.getTime() >= timeOf('now/m - 1d'));
    const byCollector = [...groupBy(rows, (row) => row.collector_id).entries()]
      .map(([collector, group]) => {
        const byStatus = [...groupBy(group, (row) => row.status).entries()];
        return {
          collector_id: collector,
          _total_jobs: group.length,
          jobs: expect.arrayContaining(byStatus.map(([status, jobs]) => ({ value: jobs.length, status }))),
          _total_tasks: sum(group.map((row) => row.total_tasks)),
          tasks: expect.arrayContaining(byStatus.map(([status, jobs]) => ({ value: sum(jobs.map((row) => row.total_tasks)), status }))),
          ids: expect.arrayContaining(byStatus.map(([status, jobs]) => ({ value: expect.arrayContaining(jobs.map((row) => row.job_id)), status }))),
        };
      })
      .sort((a, b) => b._total_jobs - a._total_jobs);
    expect(new Set(byCollector.map((row) => row._total_jobs)).size).toBe(byCollector.length); // no ties in the seed
    expect(byCollector.length).toBe(3);
    expect(more).toBe(true);
    expect(results).toEqual(byCollector.slice(0, 2));
    for (const result of results) expect((result['jobs'] as unknown[]).length).toBe(new Set(rows.filter((row) => row.collector_id === result['collector_id']).map((row) => row.status)).size);
  });

  it('groups by a JSON path named by its last segment, with select and keyword', async () => {
    const { results, more } = await runAnalyze(
      client,
      compileAnalyze(
        cloudServiceSchema,
        {
          group_by: ['data.os.os_type'],
          fields: { n: { operator: 'count' }, size: { key: 'instance_size', operator: 'sum' } },
          select: { os: 'os_type', per: { operator: 'divide', fields: ['size', 'n'] } },
          keyword: 'web',
          sort: [{ key: 'os' }],
          page: { limit: 10 },
        },
        SCOPE_A,
      ),
    );
    const rows = csA.filter((row) => [row.cloud_service_id, row.name, row.cloud_service_group, row.cloud_service_type, row.reference?.['resource_id']].some((value) => typeof value === 'string' && value.toLowerCase().includes('web')) || row.ip_addresses.some((ip) => ip.includes('web')));
    // ASC puts the group of rows without an os_type (NULL) last
    const groups = [...groupBy(rows, (row) => String((row.data['os'] as { os_type?: string } | undefined)?.os_type ?? '')).entries()].sort(
      ([a], [b]) => (a === '' ? 1 : b === '' ? -1 : ascending(a, b)),
    );
    expect(more).toBe(false);
    expect(results).toEqual(
      groups.map(([os, group]) => ({ os: os === '' ? null : os, per: expect.closeTo(sum(group.map((row) => row.instance_size ?? 0)) / group.length, 9) })),
    );
  });
});
