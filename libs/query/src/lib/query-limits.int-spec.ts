import { TestDatabase, createTestDatabase } from '@cloud-inventory/database/testing';
import { Client } from 'pg';
import { cloudServiceSchema, loadFixture, seedCloudServices, seedJobs } from '../testing/sample-tables';
import { compileAnalyze } from './analyze-compiler';
import { QueryError } from './query-error';
import { MAX_PAGE_START, MAX_UNPAGED_RESULTS } from './query-parts';
import { runAnalyze, runSearch, runStat } from './query-runner';
import { compileSearch } from './search-compiler';
import { compileStat } from './stat-compiler';

/** The documented caps (README "Limits"): past them, INVALID_ARGUMENT, never an unbounded answer. */
const DOMAIN = 'domain-many';
const SCOPE = { domain_id: DOMAIN };

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase('query_limits');
  client = new Client({ connectionString: database.url });
  await client.connect();
  await loadFixture(client, seedCloudServices(), seedJobs());
  // MAX_UNPAGED_RESULTS + 1 cloud services, each of its own name
  await client.query(
    `INSERT INTO cloud_service (cloud_service_id, name, state, provider, cloud_service_group, cloud_service_type, domain_id, workspace_id, created_at, updated_at)
     SELECT 'cs-many-' || i, 'name-' || i, 'ACTIVE', 'aws', 'EC2', 'Instance', $1, 'ws', now(), now() FROM generate_series(1, $2::int) AS i`,
    [DOMAIN, MAX_UNPAGED_RESULTS + 1],
  );
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const distinctNames = (query: Record<string, unknown> = {}) => runStat(client, compileStat(cloudServiceSchema, { distinct: 'name', ...query }, SCOPE));
const namesByGroup = (query: Record<string, unknown> = {}) =>
  runStat(client, compileStat(cloudServiceSchema, { aggregate: [{ group: { keys: [{ key: 'name', name: 'name' }], fields: [{ operator: 'count', name: 'n' }] } }], ...query }, SCOPE));
const analyzeByName = (query: Record<string, unknown> = {}) =>
  runAnalyze(client, compileAnalyze(cloudServiceSchema, { group_by: ['name'], fields: { n: { operator: 'count' } }, ...query }, SCOPE));

describe('query limits', () => {
  it.each([
    ['stat distinct', () => distinctNames()],
    ['stat aggregate', () => namesByGroup()],
    ['analyze', () => analyzeByName()],
  ])('refuses a %s without a page that has more than MAX_UNPAGED_RESULTS rows, saying how to page it', async (_name, run) => {
    const refusal = await run().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(QueryError);
    expect((refusal as QueryError).code).toBe('ERROR_INVALID_PARAMETER');
    expect((refusal as QueryError).message).toContain(`more than ${MAX_UNPAGED_RESULTS} rows: add page.limit`);
  });

  it('answers the same queries with a page, and without one below the cap', async () => {
    expect((await distinctNames({ page: { start: 1, limit: 10 } })).results).toHaveLength(10);
    expect((await namesByGroup({ page: { limit: 10 } })).total_count).toBe(MAX_UNPAGED_RESULTS + 1);
    expect((await analyzeByName({ page: { start: 10_001, limit: 10 } })).results).toHaveLength(1);
    const narrowed = { filter: [{ k: 'name', v: 'name-1', o: 'eq' }] };
    expect((await distinctNames(narrowed)).results).toEqual(['name-1']);
    expect((await analyzeByName(narrowed)).results).toEqual([{ name: 'name-1', n: 1 }]);
  });

  it('refuses page.start past MAX_PAGE_START in search, stat and analyze', async () => {
    const page = { start: MAX_PAGE_START + 1, limit: 10 };
    for (const compile of [
      () => compileSearch(cloudServiceSchema, { page }, SCOPE),
      () => compileStat(cloudServiceSchema, { distinct: 'name', page }, SCOPE),
      () => compileAnalyze(cloudServiceSchema, { group_by: ['name'], fields: { n: { operator: 'count' } }, page }, SCOPE),
    ]) {
      expect(compile).toThrow(`page.start may be at most ${MAX_PAGE_START}`);
    }
    const last = await runSearch(client, compileSearch(cloudServiceSchema, { page: { start: MAX_PAGE_START, limit: 10 } }, SCOPE));
    expect(last.results).toEqual([]);
  });
});
