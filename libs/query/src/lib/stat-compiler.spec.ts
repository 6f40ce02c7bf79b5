import { cloudServiceSchema, jobSchema } from '../testing/sample-tables';
import { compileAnalyze } from './analyze-compiler';
import { toCharPattern } from './pipeline-compiler';
import { QueryError } from './query-error';
import { compileStat } from './stat-compiler';

const SCOPE = { domain_id: 'domain-1' };

function errorOf(run: () => unknown): QueryError {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error('expected a QueryError');
}

const statError = (query: unknown, schema = jobSchema) => errorOf(() => compileStat(schema, query as never, SCOPE));
const analyzeError = (query: unknown) => errorOf(() => compileAnalyze(jobSchema, query as never, SCOPE));
const group = (spec: unknown) => ({ aggregate: [{ group: spec }] });

describe('compileStat', () => {
  it('compiles group + project + sort + page (Cloudforet daily job counts) into this exact SQL', () => {
    const compiled = compileStat(
      jobSchema,
      {
        aggregate: [
          {
            group: {
              keys: [{ key: 'created_at', name: 'date', date_format: '%Y-%m-%d' }, { k: 'status', n: 'status' }],
              fields: [{ operator: 'count', name: 'count' }, { key: 'total_tasks', operator: 'sum', name: 'tasks' }],
            },
          },
          {
            project: {
              fields: [{ key: 'date', name: 'date' }, { key: 'status', name: 'status' }, { name: 'avg_tasks', operator: 'divide', fields: ['tasks', 'count'] }],
              exclude_keys: true,
            },
          },
          { sort: [{ key: 'date', desc: false }] },
        ],
        page: { limit: 5 },
      },
      SCOPE,
    );
    const ctes =
      `WITH s0 AS (SELECT * FROM "job" WHERE "domain_id" = $1::text), ` +
      `s1 AS (SELECT to_char((("created_at") AT TIME ZONE 'UTC'), $2::text) AS c0, "status" AS c1, count(*) AS c2, ` +
      `COALESCE(sum(("total_tasks")::numeric), 0) AS c3 FROM s0 GROUP BY 1, 2), ` +
      `s2 AS (SELECT c0 AS c4, c1 AS c5, ((c3)::numeric / NULLIF((c2)::numeric, 0)) AS c6 FROM s1), ` +
      `s3 AS (SELECT *, row_number() OVER (ORDER BY c4) AS o7 FROM s2)`;
    expect(compiled.rows).toEqual({
      text: `${ctes} SELECT c4, c5, c6 FROM s3 ORDER BY o7 LIMIT $3::int8 OFFSET $4::int8`,
      values: ['domain-1', 'YYYY-MM-DD', 5, 0],
    });
    expect(compiled.count).toEqual({ text: `${ctes} SELECT count(*) AS total FROM s3`, values: ['domain-1', 'YYYY-MM-DD'] });
    expect(compiled.columns.map((column) => [column.path[0], column.type])).toEqual([
      ['date', 'text'],
      ['status', 'text'],
      ['avg_tasks', 'numeric'],
    ]);
  });

  it('needs aggregate or distinct', () => {
    const error = statError({ filter: [] });
    expect(error.code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(error.message).toContain('aggregate');
  });

  it('counts total_count only when paged, and pages when alwaysPage asks for the cap', () => {
    const query = group({ keys: [{ key: 'status', name: 'status' }] });
    expect(compileStat(jobSchema, query, SCOPE).count).toBeUndefined();
    // without a page: at most MAX_UNPAGED_RESULTS rows, one more fetched to tell (the runner refuses it)
    expect(compileStat(jobSchema, query, SCOPE).rows.text).toMatch(/ LIMIT \$\d+::int8$/);
    expect(compileStat(jobSchema, query, SCOPE).rows.values.slice(-1)).toEqual([10_001]);
    expect(compileStat(jobSchema, query, SCOPE).resultCap).toBe(10_000);
    const always = compileStat(jobSchema, query, SCOPE, undefined, { alwaysPage: true });
    expect(always.count).toBeDefined();
    expect(always.rows.values.slice(-2)).toEqual([1000, 0]);
    expect(compileStat(jobSchema, { ...query, page: { start: 11, limit: 5000 } }, SCOPE).rows.values.slice(-2)).toEqual([1000, 10]);
  });

  it('binds group and field names; they never reach the SQL text', () => {
    const hostile = `n"; DROP TABLE job; --`;
    const compiled = compileStat(
      jobSchema,
      group({ keys: [{ key: 'status', name: hostile }], fields: [{ operator: 'push', name: 'p', fields: [{ key: 'job_id', name: `${hostile}2` }] }] }),
      SCOPE,
    );
    expect(compiled.rows.text).not.toContain('DROP');
    expect(compiled.rows.values).toContain(`${hostile}2`);
    expect(compiled.columns[0].path).toEqual([hostile]);
  });

  it('groups without keys into one row, none for no input (HAVING count(*) > 0)', () => {
    expect(compileStat(jobSchema, group({ fields: [{ operator: 'count', name: 'n' }] }), SCOPE).rows.text).toContain(
      'SELECT count(*) AS c0 FROM s0 HAVING count(*) > 0',
    );
  });

  it('compiles every group operator', () => {
    const compiled = compileStat(
      cloudServiceSchema,
      group({
        keys: [{ key: 'provider', name: 'provider' }],
        fields: [
          { operator: 'count', name: 'n', conditions: [{ key: 'instance_size', value: 2, operator: 'gte' }] },
          { key: 'instance_size', operator: 'sum', name: 'sum' },
          { key: 'instance_size', operator: 'average', name: 'avg', conditions: [{ key: 'state', value: 'ACTIVE', operator: 'eq' }] },
          { key: 'instance_size', operator: 'max', name: 'max' },
          { key: 'data.hardware.core', operator: 'min', name: 'min' },
          { key: 'name', operator: 'first', name: 'first' },
          { key: 'name', operator: 'last', name: 'last' },
          { key: 'region_code', operator: 'add_to_set', name: 'regions' },
          { key: 'created_at', operator: 'push', name: 'times' },
          { key: 'data.hardware', operator: 'merge_objects', name: 'hw' },
          { key: 'data.disks.size', operator: 'sum', name: 'disk', data_type: 'array' },
        ],
      }),
      SCOPE,
    );
    const text = compiled.rows.text;
    expect(text).toContain('count(*) FILTER (WHERE "instance_size" >= $');
    expect(text).toContain('COALESCE(sum(("instance_size")::numeric), 0) AS');
    expect(text).toContain('avg(CASE WHEN "state" = $');
    expect(text).toContain('max("instance_size")');
    expect(text).toContain(`COALESCE(to_jsonb(min((CASE WHEN jsonb_typeof(("data" #> $`);
    expect(text).toContain('(array_agg(to_jsonb("name")))[1]');
    expect(text).toContain('(array_agg(to_jsonb("name")))[count(*)::int]');
    expect(text).toContain('COALESCE(jsonb_agg(DISTINCT to_jsonb("region_code")) FILTER (WHERE "region_code" IS NOT NULL)');
    expect(text).toContain(`jsonb_agg(to_jsonb(to_char(("created_at") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))`);
    expect(text).toContain('jsonb_object_agg(e.key, e.value ORDER BY a.__ord)');
    expect(text).toContain('(SELECT sum((CASE WHEN jsonb_typeof(e.value)');
    expect(compiled.columns.map((column) => column.path[0])).toEqual([
      'provider', 'n', 'sum', 'avg', 'max', 'min', 'first', 'last', 'regions', 'times', 'hw', 'disk',
    ]);
  });

  it('orders first/last/push by an earlier sort stage', () => {
    const text = compileStat(
      jobSchema,
      { aggregate: [{ sort: [{ key: 'created_at' }] }, { group: { keys: [{ key: 'status', name: 's' }], fields: [{ key: 'job_id', operator: 'last', name: 'l' }] } }] },
      SCOPE,
    ).rows.text;
    expect(text).toContain('row_number() OVER (ORDER BY "created_at") AS o0');
    expect(text).toContain('(array_agg(to_jsonb("job_id") ORDER BY o0 DESC))[1]');
  });

  it('refuses group specs Cloudforet refuses, with its codes', () => {
    expect(statError(group({})).code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(statError(group({ keys: [{ key: 'status' }] })).code).toBe('ERROR_DB_QUERY');
    expect(statError(group({ keys: [{ name: 'status' }] })).code).toBe('ERROR_DB_QUERY');
    const operator = statError(group({ fields: [{ key: 'total_tasks', name: 'x', operator: 'avg' }] }));
    expect(operator.code).toBe('ERROR_DB_QUERY');
    expect(operator.message).toContain('average');
    expect(statError(group({ fields: [{ name: 'x', operator: 'sum' }] })).code).toBe('ERROR_DB_QUERY');
    expect(statError(group({ fields: [{ key: 'job_id', name: 'x', operator: 'push', conditions: [{ key: 'status', value: 'A', operator: 'eq' }] }] })).code).toBe(
      'ERROR_DB_QUERY',
    );
    expect(statError(group({ fields: [{ name: 'x', operator: 'count', conditions: [{ key: 'status', value: 'A', operator: 'contain' }] }] })).code).toBe(
      'ERROR_DB_QUERY',
    );
    expect(statError(group({ keys: [{ key: 'status', name: 'a' }], fields: [{ name: 'a', operator: 'count' }] })).message).toContain('used twice');
    expect(statError(group({ keys: [{ key: 'status', name: 'a.b' }] })).code).toBe('ERROR_INVALID_PARAMETER');
    expect(statError(group({ keys: [{ key: 'secret', name: 'a' }] })).message).toContain('secret');
  });

  it('refuses unknown stages, stages with two operations, and bad limit/skip', () => {
    expect(statError({ aggregate: [{ lookup: { from: 'x' } }] }).message).toContain('lookup');
    expect(statError({ aggregate: [{ limit: 1, skip: 1 }] }).code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(statError({ aggregate: [{ limit: 0 }] }).code).toBe('ERROR_INVALID_PARAMETER');
    expect(statError({ aggregate: [{ skip: -1 }] }).code).toBe('ERROR_INVALID_PARAMETER');
    expect(statError({ aggregate: [{ limit: 'ten' }] }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(statError({ aggregate: 'group' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(statError({ aggregate: [{ count: {} }] }).code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(statError({ aggregate: [{ unwind: {} }] }).code).toBe('ERROR_REQUIRED_PARAMETER');
  });

  it('resolves later stages against earlier names and refuses names that do not exist', () => {
    const base = { group: { keys: [{ key: 'status', name: 'status' }], fields: [{ operator: 'count', name: 'n' }] } };
    const text = compileStat(jobSchema, { aggregate: [base, { sort: [{ key: 'n', desc: true }] }, { limit: 2 }] }, SCOPE).rows.text;
    expect(text).toContain('row_number() OVER (ORDER BY c1 DESC) AS o2');
    expect(text).toContain('SELECT * FROM s2 ORDER BY o2 LIMIT $2::int8');
    const error = statError({ aggregate: [base, { sort: [{ key: 'total_tasks' }] }] });
    expect(error.message).toContain('total_tasks');
    expect(error.message).toContain('status, n');
  });

  it('keeps group keys through project unless exclude_keys', () => {
    const base = { group: { keys: [{ key: 'status', name: 'status' }], fields: [{ operator: 'count', name: 'n' }] } };
    const kept = compileStat(jobSchema, { aggregate: [base, { project: { fields: [{ key: 'n', name: 'm' }] } }] }, SCOPE);
    expect(kept.columns.map((column) => column.path[0])).toEqual(['status', 'm']);
    const dropped = compileStat(jobSchema, { aggregate: [base, { project: { fields: [{ key: 'n', name: 'm' }], exclude_keys: true } }] }, SCOPE);
    expect(dropped.columns.map((column) => column.path[0])).toEqual(['m']);
  });

  it('compiles project operators and refuses bad arithmetic', () => {
    const base = { group: { keys: [{ key: 'status', name: 's' }], fields: [{ key: 'job_id', operator: 'push', name: 'ids' }, { operator: 'count', name: 'n' }] } };
    const project = (fields: unknown[]) => ({ aggregate: [base, { project: { fields } }] });
    const text = compileStat(jobSchema, project([
      { key: 'ids', name: 'size', operator: 'size' },
      { name: 'x', operator: 'add', fields: ['n', 2, { operator: 'multiply', fields: ['n', 'n'] }] },
      { name: 'y', operator: 'subtract', fields: ['n', 1] },
    ]), SCOPE).rows.text;
    expect(text).toContain("(CASE WHEN jsonb_typeof(c1) = 'array' THEN jsonb_array_length(c1) END)::int8");
    expect(text).toContain('((c2)::numeric + $2::numeric + ((c2)::numeric * (c2)::numeric))');
    expect(text).toContain('((c2)::numeric - $3::numeric)');
    expect(statError(project([{ name: 'y', operator: 'subtract', fields: ['n', 1, 2] }])).code).toBe('ERROR_DB_QUERY');
    expect(statError(project([{ name: 'y', operator: 'divide', fields: ['n', true] }])).code).toBe('ERROR_DB_QUERY');
    expect(statError(project([{ name: 'y', operator: 'power', fields: ['n', 2] }])).code).toBe('ERROR_DB_QUERY');
    expect(statError(project([])).code).toBe('ERROR_REQUIRED_PARAMETER');
    let deep: unknown = 'n';
    for (let i = 0; i < 12; i++) deep = { operator: 'add', fields: [deep, 1] };
    expect(statError(project([{ name: 'd', ...(deep as object) }])).message).toContain('nested too deeply');
  });

  it('compiles unwind on JSON arrays and text[] columns, with its filter limited and case-sensitive', () => {
    const json = compileStat(
      cloudServiceSchema,
      { aggregate: [{ unwind: { path: 'data.disks', filter: [{ k: 'data.disks.type', v: 'gp', o: 'contain' }] } }, { count: { name: 'n' } }] },
      SCOPE,
    );
    expect(json.rows.text).toContain('CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(("data" #> $2::text[])) = \'array\'');
    expect(json.rows.text).toContain('WITH ORDINALITY AS u(__value, __ord)');
    expect(json.rows.values).toContain('$."type" ? (@ like_regex "gp" flag "q")');
    const list = compileStat(jobSchema, { aggregate: [{ unwind: { path: 'labels' } }, { group: { keys: [{ key: 'labels', name: 'label' }] } }] }, SCOPE);
    expect(list.rows.text).toContain('CROSS JOIN LATERAL unnest("labels") WITH ORDINALITY');
    expect(list.columns[0].type).toBe('text');
    expect(statError({ aggregate: [{ unwind: { path: 'labels', filter: [{ k: 'labels', v: 'x', o: 'regex' }] } }] }).code).toBe('ERROR_DB_QUERY');
  });

  it('counts rows in a count stage, yielding no row for none', () => {
    const compiled = compileStat(jobSchema, { aggregate: [{ count: { name: 'jobs' } }] }, SCOPE);
    expect(compiled.rows.text).toBe(
      'WITH s0 AS (SELECT * FROM "job" WHERE "domain_id" = $1::text), s1 AS (SELECT count(*) AS c0 FROM s0 HAVING count(*) > 0) SELECT c0 FROM s1 LIMIT $2::int8',
    );
    expect(compiled.columns).toEqual([{ alias: 'c0', path: ['jobs'], type: 'int', omitNull: false }]);
  });

  it('accepts a match stage with the limited operators', () => {
    const compiled = compileStat(jobSchema, { aggregate: [{ match: { filter: [{ k: 'status', v: ['SUCCESS'], o: 'not_in' }] } }, { count: { name: 'n' } }] }, SCOPE);
    expect(compiled.rows.text).toContain('SELECT * FROM s0 WHERE NOT COALESCE("status" = ANY($2::text[]), FALSE)');
  });

  it('gives distinct values sorted, array elements one by one, with total_count when paged', () => {
    const scalar = compileStat(jobSchema, { distinct: 'collector_id', page: { limit: 10 } }, SCOPE);
    expect(scalar.rows.text).toBe(
      'SELECT DISTINCT "collector_id" AS c0 FROM "job" WHERE "domain_id" = $1::text AND "collector_id" IS NOT NULL ORDER BY 1 LIMIT $2::int8 OFFSET $3::int8',
    );
    expect(scalar.count?.text).toBe(`SELECT count(*) AS total FROM (SELECT DISTINCT "collector_id" AS c0 FROM "job" WHERE "domain_id" = $1::text AND "collector_id" IS NOT NULL) AS d`);
    expect(scalar.distinct).toBe(true);
    const json = compileStat(cloudServiceSchema, { distinct: 'data.labels' }, SCOPE);
    expect(json.rows.text).toContain('CROSS JOIN LATERAL jsonb_array_elements(');
    expect(json.count).toBeUndefined();
    expect(statError({ distinct: 'nope' }).message).toContain('nope');
  });
});

describe('toCharPattern', () => {
  it('maps strftime directives and quotes literal text', () => {
    expect(toCharPattern('%Y-%m-%d', 'f')).toBe('YYYY-MM-DD');
    expect(toCharPattern('%Y-%m-%dT%H:%M:%S.%LZ', 'f')).toBe('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    expect(toCharPattern('week %V of %G', 'f')).toBe('"w""e""e""k" IW "o""f" IYYY');
    expect(toCharPattern('100%%', 'f')).toBe('"1""0""0"%');
  });

  it('refuses unknown directives and characters that could mean something to to_char', () => {
    expect(() => toCharPattern('%Q', 'f')).toThrow(QueryError);
    expect(() => toCharPattern('%Y"', 'f')).toThrow(QueryError);
    expect(() => toCharPattern('%Y\\', 'f')).toThrow(QueryError);
    expect(() => toCharPattern('%', 'f')).toThrow(QueryError);
  });

  it('maps year/month/day to numbers', () => {
    const compiled = compileStat(jobSchema, group({ keys: [{ key: 'created_at', name: 'y', date_format: 'year' }] }), SCOPE);
    expect(compiled.rows.text).toContain(`extract(year FROM (("created_at") AT TIME ZONE 'UTC'))::int8`);
    expect(compiled.columns[0].type).toBe('int');
    expect(statError(group({ keys: [{ key: 'total_tasks', name: 'y', date_format: 'year' }] })).message).toContain('datetime');
  });
});

describe('compileAnalyze', () => {
  it('compiles group_by + fields + field_group + sort + page (the Cloudforet example) into this exact SQL', () => {
    const compiled = compileAnalyze(
      jobSchema,
      {
        group_by: ['collector_id', 'status'],
        field_group: ['status'],
        fields: { jobs: { operator: 'count' }, tasks: { key: 'total_tasks', operator: 'sum' } },
        sort: [{ key: 'jobs', desc: true }],
        page: { limit: 5 },
      },
      SCOPE,
    );
    expect(compiled.rows).toEqual({
      text:
        'WITH s0 AS (SELECT * FROM "job" WHERE "domain_id" = $1::text), ' +
        's1 AS (SELECT "collector_id" AS c0, "status" AS c1, count(*) AS c2, COALESCE(sum(("total_tasks")::numeric), 0) AS c3 FROM s0 GROUP BY 1, 2), ' +
        's2 AS (SELECT c0 AS c4, COALESCE(sum((c2)::numeric), 0) AS c5, COALESCE(jsonb_agg(jsonb_build_object($2::text, to_jsonb(c2), $3::text, to_jsonb(c1))), \'[]\'::jsonb) AS c6, ' +
        'COALESCE(sum((c3)::numeric), 0) AS c7, COALESCE(jsonb_agg(jsonb_build_object($4::text, to_jsonb(c3), $5::text, to_jsonb(c1))), \'[]\'::jsonb) AS c8 FROM s1 GROUP BY 1), ' +
        's3 AS (SELECT *, row_number() OVER (ORDER BY c5 DESC) AS o9 FROM s2) ' +
        'SELECT c4, c5, c6, c7, c8 FROM s3 ORDER BY o9 LIMIT $6::int8 OFFSET $7::int8',
      values: ['domain-1', 'value', 'status', 'value', 'status', 6, 0],
    });
    expect(compiled.limit).toBe(5);
    expect(compiled.columns.map((column) => column.path[0])).toEqual(['collector_id', '_total_jobs', 'jobs', '_total_tasks', 'tasks']);
  });

  it('names string group_by keys by their last segment and accepts {key, name}', () => {
    const compiled = compileAnalyze(
      cloudServiceSchema,
      { group_by: ['data.os.os_type', { key: 'provider', name: 'p' }], fields: { n: { operator: 'count' } } },
      SCOPE,
    );
    expect(compiled.columns.map((column) => column.path[0])).toEqual(['os_type', 'p', 'n']);
    expect(compiled.limit).toBeUndefined();
    expect(analyzeError({ group_by: [{ key: 'status' }], fields: { n: { operator: 'count' } } }).message).toContain('requires a key and name');
    expect(analyzeError({ group_by: [5], fields: { n: { operator: 'count' } } }).code).toBe('ERROR_INVALID_PARAMETER');
  });

  it('needs fields, refuses _total_ field groups, bad select operators and field specs', () => {
    expect(analyzeError({ group_by: ['status'] }).message).toContain('fields');
    expect(analyzeError({ group_by: ['status'], fields: {} }).code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(analyzeError({ group_by: ['status'], fields: { n: { operator: 'count' } }, field_group: ['_total_x'] }).message).toContain('_total_');
    const select = analyzeError({ group_by: ['status'], fields: { n: { operator: 'count' } }, select: { x: { operator: 'pow', key: 'n' } } });
    expect(select.code).toBe('ERROR_INVALID_PARAMETER');
    expect(select.message).toContain('query.select.operator');
    expect(analyzeError({ fields: { n: { key: 'total_tasks' } } }).code).toBe('ERROR_REQUIRED_PARAMETER');
    expect(analyzeError({ fields: { n: { operator: 'sum' } } }).message).toContain('query.fields.key');
    expect(analyzeError({ fields: { n: { operator: 'push' } } }).message).toContain('query.fields.fields');
    expect(analyzeError({ fields: { n: 'count' } }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('applies select as a project that drops the group keys', () => {
    const compiled = compileAnalyze(
      jobSchema,
      { group_by: ['status'], fields: { n: { operator: 'count' }, t: { key: 'total_tasks', operator: 'sum' } }, select: { status: 'status', ratio: { operator: 'divide', fields: ['t', 'n'] } } },
      SCOPE,
    );
    expect(compiled.columns.map((column) => column.path[0])).toEqual(['status', 'ratio']);
  });

  it('turns push fields maps into objects', () => {
    const compiled = compileAnalyze(jobSchema, { group_by: ['status'], fields: { jobs: { operator: 'push', fields: { id: 'job_id', tasks: 'total_tasks' } } } }, SCOPE);
    expect(compiled.rows.text).toContain('jsonb_build_object($2::text, to_jsonb("job_id"), $3::text, to_jsonb("total_tasks"))');
    expect(compiled.rows.values.slice(1, 3)).toEqual(['id', 'tasks']);
  });
});
