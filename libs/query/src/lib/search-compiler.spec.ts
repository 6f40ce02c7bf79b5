import { cloudServiceSchema, jobSchema } from '../testing/sample-tables';
import { QueryError } from './query-error';
import { compileSearch } from './search-compiler';

const NOW = new Date('2024-05-15T13:45:30.000Z');
const SCOPE = { domain_id: 'domain-1' };

function searchError(query: unknown): QueryError {
  try {
    compileSearch(jobSchema, query as Record<string, unknown>, SCOPE);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error('expected a QueryError');
}

describe('compileSearch', () => {
  it('compiles filter + filter_or + keyword + typed filters + sort + page + only into this exact SQL', () => {
    const compiled = compileSearch(
      jobSchema,
      {
        filter: [
          { k: 'status', v: ['IN_PROGRESS', 'FAILURE'], o: 'in' },
          { k: 'created_at', v: 'now/d - 7d', o: 'timediff_gte' },
        ],
        filter_or: [
          { key: 'collector_id', value: 'collector-1', operator: 'eq' },
          { k: 'failure_tasks', v: 0, o: 'gt' },
        ],
        keyword: ' job-3b1  abc ',
        sort: [{ key: 'created_at', desc: true }],
        page: { start: 3, limit: 10 },
        only: ['job_id', 'status', 'plugin_info'],
      },
      { domain_id: 'domain-1', workspace_id: 'workspace-1' },
      { remained_tasks: undefined, plugin_info: '', collector_id: null },
      { now: NOW },
    );
    const where =
      'WHERE "domain_id" = $1::text AND "workspace_id" = $2::text AND ("status" = ANY($3::text[]) AND "created_at" >= $4::timestamptz) ' +
      'AND ("collector_id" = $5::text OR "failure_tasks" > $6::int8 OR "job_id" ILIKE ANY($7::text[]))';
    const values = ['domain-1', 'workspace-1', ['IN_PROGRESS', 'FAILURE'], '2024-05-08T00:00:00.000Z', 'collector-1', 0, ['%job-3b1%', '%abc%']];
    expect(compiled.rows).toEqual({
      text:
        `SELECT "job_id" AS c0, "status" AS c1, "plugin_id" AS c2, "created_at" AS c3 FROM "job" ${where} ` +
        'ORDER BY "created_at" DESC, "job_id" LIMIT $8::int8 OFFSET $9::int8',
      values: [...values, 10, 2],
    });
    expect(compiled.count).toEqual({ text: `SELECT count(*) AS total FROM "job" ${where}`, values });
    expect(compiled.columns).toEqual([
      { alias: 'c0', path: ['job_id'], type: 'text', omitNull: false },
      { alias: 'c1', path: ['status'], type: 'text', omitNull: false },
      { alias: 'c2', path: ['plugin_info', 'plugin_id'], type: 'text', omitNull: false },
      { alias: 'c3', path: ['created_at'], type: 'timestamptz', omitNull: false },
    ]);
  });

  it('scopes by domain first and by a list of workspaces with ANY', () => {
    const compiled = compileSearch(jobSchema, { filter: [{ k: 'domain_id', v: 'domain-2', o: 'eq' }] }, {
      domain_id: 'domain-1',
      workspace_id: ['ws-1', 'ws-2'],
    });
    expect(compiled.count.text).toBe(
      'SELECT count(*) AS total FROM "job" WHERE "domain_id" = $1::text AND "workspace_id" = ANY($2::text[]) AND "domain_id" = $3::text',
    );
    expect(compiled.count.values).toEqual(['domain-1', ['ws-1', 'ws-2'], 'domain-2']);
  });

  it('scopes a workspace member by its projects, on resources that belong to projects only', () => {
    const compiled = compileSearch(cloudServiceSchema, {}, { domain_id: 'domain-1', workspace_id: 'ws-1', project_id: ['project-1'] });
    expect(compiled.count.text).toBe(
      'SELECT count(*) AS total FROM "cloud_service" WHERE "domain_id" = $1::text AND "workspace_id" = $2::text AND "project_id" = ANY($3::text[])',
    );
    expect(compiled.count.values).toEqual(['domain-1', 'ws-1', ['project-1']]);
    expect(compileSearch(jobSchema, {}, { domain_id: 'domain-1', project_id: ['project-1'] }).count.text).toBe(
      'SELECT count(*) AS total FROM "job" WHERE "domain_id" = $1::text',
    );
  });

  it('wraps filter_or in parentheses so it cannot widen the scope', () => {
    const compiled = compileSearch(jobSchema, { filter_or: [{ k: 'domain_id', v: 'domain-2', o: 'eq' }, { k: 'status', v: 'SUCCESS', o: 'eq' }] }, SCOPE);
    expect(compiled.count.text).toContain('WHERE "domain_id" = $1::text AND ("domain_id" = $2::text OR "status" = $3::text)');
  });

  it('refuses a scope without a domain (a programming error, not a request error)', () => {
    expect(() => compileSearch(jobSchema, {}, { domain_id: '' })).toThrow('domain_id');
    expect(() => compileSearch(jobSchema, {}, {} as never)).toThrow('domain_id');
  });

  it('uses the default sort then the id without a sort, and the id as tiebreaker after a sort', () => {
    expect(compileSearch(jobSchema, {}, SCOPE).rows?.text).toContain('ORDER BY "created_at" DESC, "job_id" LIMIT');
    expect(compileSearch(jobSchema, { sort: [{ key: 'status' }, { key: 'total_tasks', desc: true }] }, SCOPE).rows?.text).toContain(
      'ORDER BY "status", "total_tasks" DESC, "job_id" LIMIT',
    );
    expect(compileSearch(jobSchema, { sort: [{ key: 'job_id', desc: true }] }, SCOPE).rows?.text).toContain('ORDER BY "job_id" DESC LIMIT');
  });

  it('accepts v1 sort ({key, desc, keys}) and sorts JSON paths with a bound path', () => {
    const v1 = compileSearch(cloudServiceSchema, { sort: { key: 'name', desc: true, keys: [{ key: 'data.hardware.core' }] } }, SCOPE);
    expect(v1.rows?.text).toContain('ORDER BY "name" DESC, ("data" #> $2::text[]), "cloud_service_id" LIMIT');
    expect(v1.rows?.values).toContainEqual(['hardware', 'core']);
  });

  it('pages with a 1-based start (below 1 → 1) and a limit capped at the page limit (missing or 0 → the cap)', () => {
    const page = (value: unknown) => compileSearch(jobSchema, { page: value } as never, SCOPE).rows?.values.slice(-2);
    expect(page({ start: 1, limit: 20 })).toEqual([20, 0]);
    expect(page({ start: 21, limit: 20 })).toEqual([20, 20]);
    expect(page({ start: 0, limit: 5 })).toEqual([5, 0]);
    expect(page({ start: -7, limit: 5 })).toEqual([5, 0]);
    expect(page({ limit: 5000 })).toEqual([1000, 0]);
    expect(page({ limit: 0 })).toEqual([1000, 0]);
    expect(page({ limit: -1 })).toEqual([1000, 0]);
    expect(page(undefined)).toEqual([1000, 0]);
    expect(page({ start: '3', limit: '4' })).toEqual([4, 2]);
    expect(searchError({ page: { limit: 1.5 } }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError({ page: { start: 'abc' } }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError({ page: { start: 1e300 } }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError({ page: 5 }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('adds the sort keys to only, and drops keys covered by another (data.x under data)', () => {
    const compiled = compileSearch(cloudServiceSchema, { only: ['data.compute.az', 'name', 'data', 'name'], sort: [{ key: 'region_code' }] }, SCOPE);
    expect(compiled.columns.map((column) => column.path.join('.'))).toEqual(['name', 'data', 'region_code', 'cloud_service_id']);
  });

  it('selects JSON sub-paths in only with a bound path and leaves them out of results when missing', () => {
    const compiled = compileSearch(cloudServiceSchema, { only: ['data.compute.az'] }, SCOPE);
    expect(compiled.rows?.text).toContain('("data" #> $2::text[]) AS c0');
    expect(compiled.columns[0]).toEqual({ alias: 'c0', path: ['data', 'compute', 'az'], type: 'jsonb', omitNull: true });
  });

  it('returns the minimal fields for minimal, and every field in results otherwise', () => {
    const minimal = compileSearch(jobSchema, { minimal: true }, SCOPE);
    expect(minimal.columns.map((column) => column.path.join('.'))).toEqual(['job_id', 'status', 'created_at', 'finished_at']);
    const all = compileSearch(cloudServiceSchema, {}, SCOPE).columns.map((column) => column.path.join('.'));
    expect(all).toContain('collection_info.collector_id');
    expect(all).toContain('reference');
    expect(all).not.toContain('reference.resource_id');
  });

  it('runs no row query for count_only, but still counts', () => {
    const compiled = compileSearch(jobSchema, { count_only: true, filter: [{ k: 'status', v: 'SUCCESS', o: 'eq' }] }, SCOPE);
    expect(compiled.rows).toBeUndefined();
    expect(compiled.count.values).toEqual(['domain-1', 'SUCCESS']);
  });

  it('turns a keyword into one contain_in per keyword field, ORed into filter_or', () => {
    const compiled = compileSearch(cloudServiceSchema, { keyword: 'web  10.0', count_only: true }, SCOPE);
    expect(compiled.count.text).toBe(
      'SELECT count(*) AS total FROM "cloud_service" WHERE "domain_id" = $1::text AND ("cloud_service_id" ILIKE ANY($2::text[]) OR ' +
        '"name" ILIKE ANY($3::text[]) OR ("ip_addresses" @? $4::jsonpath) OR "cloud_service_group" ILIKE ANY($5::text[]) OR ' +
        '"cloud_service_type" ILIKE ANY($6::text[]) OR (reference->>\'resource_id\') ILIKE ANY($7::text[]))',
    );
    expect(compiled.count.values[3]).toBe('$ ? (@ like_regex "web" flag "iq" || @ like_regex "10.0" flag "iq")');
  });

  it('turns typed filters into eq, or in for lists', () => {
    const compiled = compileSearch(jobSchema, {}, SCOPE, { status: ['SUCCESS', 'FAILURE'], collector_id: 'collector-1' });
    expect(compiled.count.text).toContain('("status" = ANY($2::text[]) AND "collector_id" = $3::text)');
  });

  it('refuses what it does not implement, and wrong types, by name', () => {
    expect(searchError({ unwind: { path: 'labels' } }).message).toContain('query.unwind');
    expect(searchError({ lookup: [{ from: 'x' }] }).message).toContain('query.lookup');
    expect(searchError({ filter: { k: 'status' } }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError({ only: 'job_id' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError({ only: ['secret'] }).message).toContain('secret');
    expect(searchError({ sort: [{ key: 'password' }] }).message).toContain('password');
    expect(searchError({ sort: [{ desc: true }] }).code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(searchError({ keyword: 5 }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError({ count_only: 'yes' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(searchError('filter').code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('accepts an empty proto-decoded Query', () => {
    const compiled = compileSearch(
      jobSchema,
      { filter: [], filter_or: [], sort: [], page: undefined, minimal: false, count_only: false, only: [], keyword: '', unwind: undefined, lookup: undefined, add_fields: undefined },
      SCOPE,
    );
    expect(compiled.count.text).toBe('SELECT count(*) AS total FROM "job" WHERE "domain_id" = $1::text');
  });
});
