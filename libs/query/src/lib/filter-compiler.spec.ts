import { cloudServiceSchema, jobSchema } from '../testing/sample-tables';
import { FILTER_OPERATORS, FilterContext, STAGE_FILTER_OPERATORS, compileCondition } from './filter-compiler';
import { TableScope } from './key-scope';
import { QueryError } from './query-error';
import { ResourceSchema } from './resource-schema';
import { SqlParams } from './sql-params';

const NOW = new Date('2024-05-15T13:45:30.000Z'); // a Wednesday

function compile(condition: unknown, schema: ResourceSchema = cloudServiceSchema, extra: Partial<FilterContext> = {}) {
  const params = new SqlParams();
  const sql = compileCondition({ scope: new TableScope(schema), params, now: NOW, ...extra }, condition, 'query.filter[0]');
  return { sql, values: params.values };
}

function errorOf(condition: unknown, schema: ResourceSchema = cloudServiceSchema): QueryError {
  try {
    compile(condition, schema);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error('expected a QueryError');
}

describe('compileCondition: condition shape', () => {
  it('accepts key/value/operator and their k/v/o aliases alike', () => {
    const long = compile({ key: 'name', value: 'web', operator: 'eq' });
    const short = compile({ k: 'name', v: 'web', o: 'eq' });
    expect(long).toEqual({ sql: '"name" = $1::text', values: ['web'] });
    expect(short).toEqual(long);
  });

  it('treats a proto-decoded condition (the unused alias undefined) like a JSON one', () => {
    expect(compile({ key: undefined, k: 'state', value: undefined, v: 'ACTIVE', operator: 'eq', o: undefined })).toEqual({
      sql: '"state" = $1::text',
      values: ['ACTIVE'],
    });
  });

  it('refuses an unknown operator with ERROR_DB_QUERY naming it', () => {
    const error = errorOf({ k: 'name', v: 'x', o: 'like' });
    expect(error.code).toBe('ERROR_DB_QUERY');
    expect(error.message).toContain('Filter operator is not supported');
    expect(error.message).toContain('like');
  });

  it('refuses a condition without operator or key with ERROR_DB_QUERY', () => {
    expect(errorOf({ k: 'name', v: 'x' }).code).toBe('ERROR_DB_QUERY');
    expect(errorOf({ v: 'x', o: 'eq' }).code).toBe('ERROR_DB_QUERY');
  });

  it('refuses a condition that is not an object', () => {
    expect(errorOf('name = 1').code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(errorOf(['name']).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('refuses a list for a scalar operator (ERROR_OPERATOR_VALUE_TYPE) and a scalar for a list operator', () => {
    expect(errorOf({ k: 'name', v: ['a'], o: 'eq' }).code).toBe('ERROR_OPERATOR_VALUE_TYPE');
    const list = errorOf({ k: 'name', v: 'a', o: 'in' });
    expect(list.code).toBe('ERROR_OPERATOR_LIST_VALUE_TYPE');
    expect(list.message).toContain("'in operator' must be a list type");
  });

  it('needs a boolean for exists and a dict for match', () => {
    expect(errorOf({ k: 'name', v: 'true', o: 'exists' }).code).toBe('ERROR_OPERATOR_BOOLEAN_TYPE');
    expect(errorOf({ k: 'data.disks', v: 'gp2', o: 'match' }).code).toBe('ERROR_OPERATOR_DICT_VALUE_TYPE');
  });

  it('refuses a key that is neither a field nor a JSON path below a JSON field, naming the key', () => {
    const error = errorOf({ k: 'secret_data', v: 'x', o: 'eq' });
    expect(error.code).toBe('ERROR_INVALID_PARAMETER');
    expect(error.message).toContain('secret_data');
    expect(errorOf({ k: 'name.first', v: 'x', o: 'eq' }).message).toContain('name.first');
  });

  it('refuses JSON path segments outside the safe pattern and paths that are too deep', () => {
    for (const key of ["data.a'b", 'data.a b', 'data.', 'data..x', 'data.a;drop', 'data.é', `data.${'x'.repeat(65)}`]) {
      expect(errorOf({ k: key, v: 1, o: 'eq' }).code).toBe('ERROR_INVALID_PARAMETER');
    }
    expect(errorOf({ k: 'data.1.2.3.4.5.6.7.8.9', v: 1, o: 'eq' }).message).toContain('levels deep');
    expect(compile({ k: 'data.a.b.c.d.e.f.g.h', v: 1, o: 'eq' }).values[0]).toBe('$."a"."b"."c"."d"."e"."f"."g"."h" ? (@ == 1)');
  });

  it('refuses a value of the wrong type for the field, naming the type', () => {
    const error = errorOf({ k: 'instance_size', v: 'big', o: 'gt' });
    expect(error.code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(error.message).toContain('float');
    expect(errorOf({ k: 'name', v: { a: 1 }, o: 'eq' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(errorOf({ k: 'created_at', v: 'yesterday', o: 'lt' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(errorOf({ k: 'total_tasks', v: true, o: 'eq' }, jobSchema).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('refuses text PostgreSQL cannot store (NUL, lone surrogates)', () => {
    expect(errorOf({ k: 'name', v: 'a\u0000b', o: 'eq' }).code).toBe('ERROR_INVALID_PARAMETER');
    expect(errorOf({ k: 'name', v: 'a\ud800', o: 'contain' }).code).toBe('ERROR_INVALID_PARAMETER');
    expect(errorOf({ k: 'data.x', v: '\udc00', o: 'eq' }).code).toBe('ERROR_INVALID_PARAMETER');
  });

  it('limits the operators where a context says so (aggregate stage filters)', () => {
    const params = new SqlParams();
    const context = { scope: new TableScope(cloudServiceSchema), params, now: NOW, operators: STAGE_FILTER_OPERATORS };
    expect(() => compileCondition(context, { k: 'name', v: 'x', o: 'regex' }, 'f')).toThrow(/not supported/);
    expect(compileCondition(context, { k: 'name', v: ['x'], o: 'not_in' }, 'f')).toContain('ANY');
  });

  it('knows the 24 Cloudforet operators', () => {
    expect(Object.keys(FILTER_OPERATORS)).toHaveLength(24);
  });
});

describe('compileCondition: scalar columns use plain comparisons', () => {
  it.each([
    [{ k: 'name', v: 'web', o: 'eq' }, '"name" = $1::text', ['web']],
    [{ k: 'name', v: null, o: 'eq' }, '"name" IS NULL', []],
    [{ k: 'name', o: 'eq' }, '"name" IS NULL', []],
    [{ k: 'name', v: 'web', o: 'not' }, '"name" IS DISTINCT FROM $1::text', ['web']],
    [{ k: 'name', v: null, o: 'not' }, '"name" IS NOT NULL', []],
    [{ k: 'instance_size', v: 2, o: 'lt' }, '"instance_size" < $1::float8', [2]],
    [{ k: 'instance_size', v: '2.5', o: 'lte' }, '"instance_size" <= $1::float8', [2.5]],
    [{ k: 'instance_size', v: 0, o: 'gt' }, '"instance_size" > $1::float8', [0]],
    [{ k: 'instance_size', v: -1, o: 'gte' }, '"instance_size" >= $1::float8', [-1]],
    [{ k: 'account', v: 123, o: 'eq' }, '"account" = $1::text', ['123']],
    [{ k: 'name', v: ['a', 'b'], o: 'in' }, '"name" = ANY($1::text[])', [['a', 'b']]],
    [{ k: 'name', v: ['a', null], o: 'in' }, '("name" = ANY($1::text[]) OR "name" IS NULL)', [['a']]],
    [{ k: 'name', v: [], o: 'in' }, 'FALSE', []],
    [{ k: 'name', v: ['a'], o: 'not_in' }, 'NOT COALESCE("name" = ANY($1::text[]), FALSE)', [['a']]],
    [{ k: 'name', v: [], o: 'not_in' }, 'NOT COALESCE(FALSE, FALSE)', []],
    [{ k: 'name', v: true, o: 'exists' }, '"name" IS NOT NULL', []],
    [{ k: 'name', v: false, o: 'exists' }, '"name" IS NULL', []],
    [{ k: 'reference.resource_id', v: 'arn', o: 'eq' }, "(reference->>'resource_id') = $1::text", ['arn']],
    [{ k: 'collection_info.collector_id', v: 'c-1', o: 'eq' }, '"collector_id" = $1::text', ['c-1']],
  ])('%j → %s', (condition, sql, values) => {
    expect(compile(condition)).toEqual({ sql, values });
  });

  it('compares int columns with integer parameters, rounding fractional bounds the way that keeps the meaning', () => {
    expect(compile({ k: 'total_tasks', v: 1.5, o: 'lt' }, jobSchema)).toEqual({ sql: '"total_tasks" < $1::int8', values: [2] });
    expect(compile({ k: 'total_tasks', v: 1.5, o: 'lte' }, jobSchema)).toEqual({ sql: '"total_tasks" <= $1::int8', values: [1] });
    expect(compile({ k: 'total_tasks', v: 1.5, o: 'gt' }, jobSchema)).toEqual({ sql: '"total_tasks" > $1::int8', values: [1] });
    expect(compile({ k: 'total_tasks', v: 1.5, o: 'gte' }, jobSchema)).toEqual({ sql: '"total_tasks" >= $1::int8', values: [2] });
    expect(compile({ k: 'total_tasks', v: 1.5, o: 'eq' }, jobSchema).sql).toBe('FALSE');
    expect(compile({ k: 'total_tasks', v: 1.5, o: 'not' }, jobSchema).sql).toBe('TRUE');
    expect(compile({ k: 'total_tasks', v: [1, 1.5, '3'], o: 'in' }, jobSchema)).toEqual({
      sql: '"total_tasks" = ANY($1::int8[])',
      values: [[1, 3]],
    });
    expect(errorOf({ k: 'total_tasks', v: 1e300, o: 'lt' }, jobSchema).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('makes contain a case-insensitive substring match with LIKE wildcards escaped', () => {
    expect(compile({ k: 'name', v: '100%_a\\b', o: 'contain' })).toEqual({
      sql: '"name" ILIKE $1::text',
      values: ['%100\\%\\_a\\\\b%'],
    });
    expect(compile({ k: 'name', v: 'x', o: 'not_contain' })).toEqual({
      sql: 'NOT COALESCE("name" ILIKE $1::text, FALSE)',
      values: ['%x%'],
    });
    expect(compile({ k: 'name', v: ['a', 'b'], o: 'contain_in' })).toEqual({
      sql: '"name" ILIKE ANY($1::text[])',
      values: [['%a%', '%b%']],
    });
    expect(compile({ k: 'name', v: ['a'], o: 'not_contain_in' })).toEqual({
      sql: 'NOT COALESCE("name" ILIKE ANY($1::text[]), FALSE)',
      values: [['%a%']],
    });
    expect(compile({ k: 'instance_size', v: 16, o: 'contain' }).sql).toBe('("instance_size")::text ILIKE $1::text');
  });

  it('makes contain case-sensitive in aggregate stage filters', () => {
    expect(compile({ k: 'name', v: 'Web', o: 'contain' }, cloudServiceSchema, { caseSensitive: true }).sql).toBe('"name" LIKE $1::text');
  });

  it('makes regex case-insensitive (~*) and checks the pattern', () => {
    expect(compile({ k: 'name', v: '^web-\\d+$', o: 'regex' })).toEqual({ sql: '"name" ~* $1::text', values: ['^web-\\d+$'] });
    expect(compile({ k: 'name', v: ['^a', 'b$'], o: 'regex_in' })).toEqual({ sql: '"name" ~* ANY($1::text[])', values: [['^a', 'b$']] });
    expect(errorOf({ k: 'name', v: '(', o: 'regex' }).code).toBe('ERROR_INVALID_PARAMETER');
    expect(errorOf({ k: 'name', v: 5, o: 'regex' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('compares datetime_* values as bound timestamps, normalised to UTC', () => {
    expect(compile({ k: 'created_at', v: '2024-03-01T09:00:00+09:00', o: 'datetime_gte' })).toEqual({
      sql: '"created_at" >= $1::timestamptz',
      values: ['2024-03-01T00:00:00.000Z'],
    });
    expect(compile({ k: 'created_at', v: '2024-03-01', o: 'datetime_lt' }).values).toEqual(['2024-03-01T00:00:00.000Z']);
    const error = errorOf({ k: 'created_at', v: '2024-02-30', o: 'datetime_lt' });
    expect(error.code).toBe('ERROR_DB_QUERY');
    expect(error.message).toContain('ISO 8601');
    expect(errorOf({ k: 'name', v: '2024-01-01', o: 'datetime_lt' }).message).toContain('datetime field');
  });

  it('computes timediff_* values on the server into a bound timestamp', () => {
    expect(compile({ k: 'created_at', v: 'now/d - 7d', o: 'timediff_gte' })).toEqual({
      sql: '"created_at" >= $1::timestamptz',
      values: ['2024-05-08T00:00:00.000Z'],
    });
    expect(compile({ k: 'created_at', v: 'now/w', o: 'timediff_lt' }).values).toEqual(['2024-05-13T00:00:00.000Z']);
    expect(compile({ k: 'created_at', v: 'now/m+1h', o: 'timediff_gt' }).values).toEqual(['2024-05-01T01:00:00.000Z']);
    expect(compile({ k: 'created_at', v: 'now - 30m', o: 'timediff_lte' }).values).toEqual(['2024-05-15T13:15:30.000Z']);
    expect(errorOf({ k: 'created_at', v: 'now/y', o: 'timediff_lt' }).code).toBe('ERROR_DB_QUERY');
  });

  it('refuses match on a scalar column', () => {
    expect(errorOf({ k: 'name', v: { a: 1 }, o: 'match' }).code).toBe('ERROR_INVALID_PARAMETER');
  });
});

describe('compileCondition: text[] columns use array operators', () => {
  it.each([
    [{ k: 'labels', v: 'nightly', o: 'eq' }, '"labels" @> ARRAY[$1::text]', ['nightly']],
    [{ k: 'labels', v: 'nightly', o: 'not' }, 'NOT COALESCE("labels" @> ARRAY[$1::text], FALSE)', ['nightly']],
    [{ k: 'labels', v: ['a', 'b'], o: 'in' }, '"labels" && $1::text[]', [['a', 'b']]],
    [{ k: 'labels', v: ['a'], o: 'not_in' }, 'NOT COALESCE("labels" && $1::text[], FALSE)', [['a']]],
    [{ k: 'labels', v: 'IGH', o: 'contain' }, 'EXISTS (SELECT 1 FROM unnest("labels") AS e(v) WHERE e.v ILIKE $1::text)', ['%IGH%']],
    [{ k: 'labels', v: 'm', o: 'gt' }, 'EXISTS (SELECT 1 FROM unnest("labels") AS e(v) WHERE e.v > $1::text)', ['m']],
    [{ k: 'labels', v: true, o: 'exists' }, '"labels" IS NOT NULL', []],
  ])('%j → %s', (condition, sql, values) => {
    expect(compile(condition, jobSchema)).toEqual({ sql, values });
  });
});

describe('compileCondition: JSON paths are bound jsonpath tests', () => {
  it.each([
    [{ k: 'data.compute.az', v: 'us-east-1a', o: 'eq' }, '("data" @? $1::jsonpath)', ['$."compute"."az" ? (@ == "us-east-1a")']],
    [{ k: 'tags.env', v: 'prod', o: 'not' }, 'NOT COALESCE(("tags" @? $1::jsonpath), FALSE)', ['$."env" ? (@ == "prod")']],
    [{ k: 'data.hardware.core', v: [1, 'x', true], o: 'in' }, '("data" @? $1::jsonpath)', ['$."hardware"."core" ? (@ == 1 || @ == "x" || @ == true)']],
    [{ k: 'data.hardware.core', v: 4, o: 'gte' }, '("data" @? $1::jsonpath)', ['$."hardware"."core" ? (@ >= 4)']],
    [{ k: 'tags.env', v: 'Pro"d', o: 'contain' }, '("tags" @? $1::jsonpath)', ['$."env" ? (@ like_regex "Pro\\"d" flag "iq")']],
    [{ k: 'data.hours', v: 5, o: 'contain' }, '("data" @? $1::jsonpath)', ['$."hours" ? (@ == 5)']],
    [{ k: 'data.labels', v: ['al', 'ga'], o: 'contain_in' }, '("data" @? $1::jsonpath)', ['$."labels" ? (@ like_regex "al" flag "iq" || @ like_regex "ga" flag "iq")']],
    [{ k: 'data.os.os_type', v: '^lin', o: 'regex' }, '("data" @? $1::jsonpath)', ['$."os"."os_type" ? (@ like_regex "^lin" flag "i")']],
    [{ k: 'data.compute', v: true, o: 'exists' }, '("data" @? $1::jsonpath)', ['$."compute"']],
    [{ k: 'data.compute', v: false, o: 'exists' }, 'NOT COALESCE(("data" @? $1::jsonpath), FALSE)', ['$."compute"']],
    [{ k: 'data.disks', v: { type: 'gp2', size: 8 }, o: 'match' }, '("data" @? $1::jsonpath)', ['$."disks" ? (@."type" == "gp2" && @."size" == 8)']],
  ])('%j → %s', (condition, sql, values) => {
    expect(compile(condition)).toEqual({ sql, values });
  });

  it('reads a segment of digits as an array position', () => {
    expect(compile({ k: 'data.disks.0.size', v: 8, o: 'gt' }).values).toEqual(['$."disks"[0]."size" ? (@ > 8)']);
    expect(compile({ k: 'data.x', v: { '1': 'a' }, o: 'match' }).values).toEqual(['$."x" ? (@[1] == "a")']);
  });

  it('uses jsonb containment (@>) for equality on a jsonb-array column', () => {
    expect(compile({ k: 'ip_addresses', v: '10.0.0.1', o: 'eq' })).toEqual({
      sql: '"ip_addresses" @> $1::jsonb',
      values: ['["10.0.0.1"]'],
    });
  });

  it('matches a missing or null JSON value for eq null, and compares objects whole', () => {
    expect(compile({ k: 'data.compute.az', v: null, o: 'eq' })).toEqual({
      sql: '(NOT COALESCE(("data" @? $1::jsonpath), FALSE) OR ("data" @? $2::jsonpath))',
      values: ['$."compute"."az"', '$."compute"."az" ? (@ == null)'],
    });
    expect(compile({ k: 'data.os', v: { os_type: 'LINUX' }, o: 'eq' })).toEqual({
      sql: '("data" #> $1::text[]) = ANY($2::jsonb[])',
      values: [['os'], ['{"os_type":"LINUX"}']],
    });
  });

  it('compares datetime_* / timediff_* on JSON strings through jsonpath datetime()', () => {
    expect(compile({ k: 'data.launched_at', v: 'now/d', o: 'timediff_lt' })).toEqual({
      sql: `jsonb_path_exists_tz("data", $1::jsonpath, '{}'::jsonb, true)`,
      values: ['$."launched_at" ? (@.datetime() < "2024-05-15T00:00:00.000Z".datetime())'],
    });
  });

  it('refuses values a JSON comparison cannot use', () => {
    expect(errorOf({ k: 'data.hardware.core', v: true, o: 'lt' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(errorOf({ k: 'data.disks', v: {}, o: 'match' }).code).toBe('ERROR_OPERATOR_DICT_VALUE_TYPE');
    expect(errorOf({ k: 'data.disks', v: { type: ['a'] }, o: 'match' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
    expect(errorOf({ k: 'data.disks', v: { "ty'pe": 'a' }, o: 'match' }).code).toBe('ERROR_INVALID_PARAMETER');
    expect(errorOf({ k: 'data.x', v: { a: 1 }, o: 'contain' }).code).toBe('ERROR_INVALID_PARAMETER_TYPE');
  });

  it('never writes a value into the SQL text', () => {
    const hostile = `x'); DROP TABLE job; --`;
    for (const operator of ['eq', 'not', 'contain', 'not_contain', 'lt', 'gte']) {
      for (const key of ['name', 'data.compute.az', 'ip_addresses', 'tags.env']) {
        expect(compile({ k: key, v: hostile, o: operator }).sql).not.toContain('DROP');
      }
    }
  });
});
