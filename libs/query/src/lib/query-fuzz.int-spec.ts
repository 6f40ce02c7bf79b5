import { TestDatabase, createTestDatabase } from '@cloud-inventory/database/testing';
import { Client } from 'pg';
import { DOMAIN_A, DOMAIN_B, cloudServiceSchema, jobSchema, loadFixture, random, seedCloudServices, seedJobs } from '../testing/sample-tables';
import { compileAnalyze } from './analyze-compiler';
import { FILTER_OPERATORS } from './filter-compiler';
import { GROUP_OPERATORS, PROJECT_OPERATORS } from './pipeline-compiler';
import { QueryError } from './query-error';
import { runAnalyze, runSearch, runStat } from './query-runner';
import { ResourceSchema } from './resource-schema';
import { compileSearch } from './search-compiler';
import { compileStat } from './stat-compiler';

/**
 * Thousands of random and hostile queries, compiled and (when they compile) run on real PostgreSQL.
 * Each must end in a result or a QueryError, never in another exception (a PostgreSQL syntax or type
 * error included), and no string from the request may show up in the SQL text.
 */

/** A fixed seed keeps runs repeatable; QUERY_FUZZ_SEED explores others. */
const next = random(Number(process.env['QUERY_FUZZ_SEED'] ?? 20240515));
const int = (below: number) => Math.floor(next() * below);
/** Half of the queries are "wild" (hostile anywhere); the others mostly well-formed, so that many run. */
let wild = true;
const chance = (p: number) => next() < p;
const rarely = (p: number) => next() < (wild ? p : p / 20);
function pick<T>(items: readonly T[]): T {
  return items[int(items.length)];
}

const HOSTILE = [
  "'",
  '"',
  ';',
  '--',
  "'; DROP TABLE job; --",
  '" OR 1=1 --',
  ') OR (1=1',
  '/* comment */',
  '\\',
  '\\x00',
  '%',
  '_',
  'é',
  '💥',
  '\u0000',
  '\ud800',
  '\u2028',
  '{a,b}',
  '[1,2]',
  '@ == 1 || true',
  '$.a ? (@ > 0)',
  '$where',
  '__proto__',
  'constructor',
  'NULL',
  'like_regex',
  '\n\t',
  '%Y-%m',
  '*',
  '..',
  '.',
  'x'.repeat(70),
];
/** Characters for random tokens: none of them spell SQL this compiler writes. */
const TOKEN = ['q', 'Q', 'z', 'Z', 'J', 'X', '0', '9', "'", '"', ';', '-', '%', '_', '.', 'é', '💥', '/', '\\', '@', '*', '#'];

function token(): string {
  let text = pick(['q', 'Q', 'é', '💥']);
  for (let i = int(6); i > 0; i--) text += pick(TOKEN);
  return text;
}

function hostile(): string {
  return chance(0.5) ? pick(HOSTILE) : chance(0.5) ? `${pick(HOSTILE)}${token()}` : token();
}

const SEGMENTS = ['compute', 'az', 'hardware', 'core', 'memory', 'disks', 'size', 'type', 'labels', 'os', 'os_type', 'hours', 'env', 'team', 'x-y', 'a:b', '0', 'launched_at'];

function key(schema: ResourceSchema): unknown {
  const fields = [...schema.fields.keys()];
  const roll = next();
  if (roll < 0.45 || (!wild && roll < 0.75)) return pick(fields);
  if (roll < 0.65 || !wild) return `${pick(['data', 'tags', 'reference', 'ip_addresses'])}.${Array.from({ length: 1 + int(3) }, () => pick(SEGMENTS)).join('.')}`;
  if (roll < 0.7) return `data.${Array.from({ length: 9 + int(12) }, () => 'a').join('.')}`;
  if (roll < 0.85) return pick([hostile(), `data.${hostile()}`, `${pick(fields)}.${hostile()}`, `tags.${hostile()}`]);
  if (roll < 0.9) return '';
  return pick([5, null, {}, [], true, ['name'], { k: 'name' }]);
}

const WORDS = ['prod', 'aws', 'web', 'ACTIVE', 'SUCCESS', 'collector-1', 'us-east-1a', 'gp2', 'alpha', 'LINUX', '2024-01-15', '2024-02-01T00:00:00Z', 'now/d - 7d', 'now/w', 'now', '^web', 'a{2,1}', '\\p{L}', '(', '[z-a]'];
const NUMBERS = [0, -0, 1, 2.5, -7, 4, 16, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 63, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 123456789012];

function value(depth = 0): unknown {
  const roll = wild ? next() : next() * 0.75;
  if (roll < 0.3) return pick(WORDS);
  if (roll < 0.45) return hostile();
  if (roll < 0.6) return pick(NUMBERS);
  if (roll < 0.67) return chance(0.5);
  if (roll < 0.72) return null;
  if (roll < 0.75) return undefined;
  if (depth > 3) return token();
  if (roll < 0.9) return Array.from({ length: int(5) }, () => value(depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = int(4); i > 0; i--) object[chance(0.5) ? pick(SEGMENTS) : hostile()] = value(depth + 1);
  return object;
}

const OPERATORS = Object.keys(FILTER_OPERATORS);

function condition(schema: ResourceSchema): unknown {
  if (rarely(0.03)) return pick([hostile(), 5, null, ['k', 'v', 'o']]);
  const k = key(schema);
  const o = !rarely(0.15) ? pick(OPERATORS) : pick([hostile(), 'EQ', 'avg', 'eq ', 7, null]);
  const multi = typeof o === 'string' && (FILTER_OPERATORS as Record<string, { multi: boolean }>)[o]?.multi;
  const v = multi && chance(0.8) ? Array.from({ length: int(4) }, () => value(1)) : value();
  const short = chance(0.5);
  const entry: Record<string, unknown> = short ? { k, v, o } : { key: k, value: v, operator: o };
  if (rarely(0.05)) entry['v'] = value();
  return entry;
}

function list<T>(make: () => T, most: number): T[] {
  return Array.from({ length: int(most + 1) }, make);
}

function page(): unknown {
  if (chance(0.2)) return undefined;
  if (rarely(0.05)) return pick([hostile(), 5, []]);
  const number = () => (wild ? pick([1, 2, 0, -5, 10, 999999999, 2 ** 53, 1.5, '3', 'ten', null, 1e300]) : pick([1, 2, 0, -5, 10, 999999999, '3', null]));
  return { start: number(), limit: number() };
}

function sort(schema: ResourceSchema): unknown {
  if (chance(0.3)) return undefined;
  if (rarely(0.05)) return pick([hostile(), { key: key(schema), desc: true, keys: [{ key: key(schema) }] }]);
  return list(() => (!rarely(0.1) ? { key: key(schema), desc: !rarely(0.1) ? chance(0.5) : pick(['yes', 1]) } : hostile()), wild ? 3 : 2);
}

function searchQuery(schema: ResourceSchema): unknown {
  if (rarely(0.02)) return pick([hostile(), 5, [], null]);
  return {
    filter: !rarely(0.05) ? list(() => condition(schema), wild ? 4 : 2) : hostile(),
    filter_or: list(() => condition(schema), wild ? 2 : 1),
    sort: sort(schema),
    page: page(),
    only: chance(0.3) ? list(() => key(schema), 3) : undefined,
    minimal: chance(0.2) ? chance(0.5) : undefined,
    count_only: chance(0.2) ? (wild ? pick([true, false, 'true']) : chance(0.5)) : undefined,
    keyword: chance(0.3) ? (wild ? pick([hostile(), `${pick(WORDS)} ${hostile()}`, 5]) : `${pick(WORDS)} ${token()}`) : undefined,
    ...(rarely(0.03) ? { unwind: { path: key(schema) } } : {}),
  };
}

function name(): unknown {
  return !rarely(0.3) ? pick(['status', 'n', 'count', 'total', 'value', 'provider', 'date', 'x']) : chance(0.8) ? hostile() : pick([5, null, '', 'a.b']);
}

function groupStage(schema: ResourceSchema): unknown {
  return {
    keys: list(() => ({ key: key(schema), name: name(), ...(chance(0.2) ? { date_format: pick(['year', 'month', 'day', '%Y-%m-%d', '%H:%M', hostile(), '%Q', 5]) } : {}) }), 2),
    fields: list(
      () => ({
        key: !rarely(0.2) ? key(schema) : undefined,
        name: name(),
        operator: !rarely(0.1) ? pick(GROUP_OPERATORS) : hostile(),
        ...(chance(0.15) ? { fields: list(() => ({ key: key(schema), name: name() }), 2) } : {}),
        ...(rarely(0.15) ? { conditions: list(() => condition(schema), 2) } : {}),
        ...(rarely(0.1) ? { data_type: pick(['array', hostile()]) } : {}),
      }),
      3,
    ),
  };
}

function arithmetic(schema: ResourceSchema, depth = 0): unknown {
  return list(() => (chance(0.4) ? name() : chance(0.5) ? pick(NUMBERS) : depth < 3 ? { operator: pick(PROJECT_OPERATORS), fields: arithmetic(schema, depth + 1) } : key(schema)), 3);
}

function stage(schema: ResourceSchema): unknown {
  switch (int(wild ? 9 : 8)) {
    case 0:
      return { unwind: { path: chance(0.6) ? pick(['data.disks', 'data.labels', 'labels', 'ip_addresses', 'name']) : key(schema), ...(chance(0.3) ? { filter: list(() => condition(schema), 2) } : {}) } };
    case 1:
    case 2:
      return { group: groupStage(schema) };
    case 3:
      return { count: { name: name() } };
    case 4:
      return { sort: sort(schema) };
    case 5:
      return {
        project: {
          fields: list(() => ({ key: chance(0.6) ? name() : key(schema), name: name(), ...(chance(0.5) ? { operator: chance(0.9) ? pick(PROJECT_OPERATORS) : hostile(), fields: arithmetic(schema) } : {}) }), 3),
          exclude_keys: chance(0.5),
          ...(chance(0.1) ? { only_keys: true } : {}),
        },
      };
    case 6:
      return { limit: wild ? pick([1, 5, 0, -1, 2 ** 53, 'x', 1.5]) : pick([1, 5, 2 ** 53]) };
    case 7:
      return { skip: wild ? pick([0, 3, -1, 2 ** 53, 'x']) : pick([0, 3, 2 ** 53]) };
    default:
      return pick([{ match: { filter: list(() => condition(schema), 2) } }, { lookup: {} }, { [hostile()]: {} }, { limit: 1, skip: 1 }, hostile()]);
  }
}

function statQuery(schema: ResourceSchema): unknown {
  return {
    filter: list(() => condition(schema), 2),
    filter_or: list(() => condition(schema), 1),
    keyword: chance(0.2) ? hostile() : undefined,
    page: page(),
    ...(chance(0.8) ? { aggregate: wild ? list(() => stage(schema), 4) : [stage(schema), ...list(() => stage(schema), 1)] } : { distinct: key(schema) }),
  };
}

function analyzeQuery(schema: ResourceSchema): unknown {
  const fields: Record<string, unknown> = {};
  for (let i = wild ? int(4) : 1 + int(3); i > 0; i--) {
    fields[String(name())] = !rarely(0.1)
      ? { operator: !rarely(0.1) ? pick(GROUP_OPERATORS) : hostile(), key: !rarely(0.2) ? key(schema) : undefined, ...(chance(0.1) ? { fields: { [String(name())]: key(schema) } } : {}) }
      : hostile();
  }
  return {
    group_by: list(() => (chance(0.7) ? key(schema) : { key: key(schema), name: name() }), wild ? 3 : 2),
    field_group: chance(0.3) ? list(() => name(), 2) : undefined,
    fields: !rarely(0.05) ? fields : undefined,
    select: chance(0.2) ? { [String(name())]: chance(0.5) ? name() : { operator: pick([...PROJECT_OPERATORS, hostile()]), fields: arithmetic(schema) } } : undefined,
    filter: list(() => condition(schema), wild ? 2 : 1),
    keyword: chance(0.2) ? hostile() : undefined,
    sort: sort(schema),
    page: page(),
  };
}

/**
 * Strings in a request that SQL written by this compiler legitimately contains: schema keys (column
 * names), the request's structure and operator names, and words of SQL this compiler writes itself
 * (`count(*)`, `e.value`, `e.key`, `jsonb_typeof`, `extract(year …)`, `AS total`, `IS NULL`).
 */
const VOCABULARY = new Set<string>([
  ...[cloudServiceSchema, jobSchema].flatMap((schema) => [...schema.fields.keys()].flatMap((key) => [key, ...key.split('.')])),
  ...OPERATORS,
  ...GROUP_OPERATORS,
  ...PROJECT_OPERATORS,
  ...['filter', 'filter_or', 'sort', 'page', 'start', 'limit', 'minimal', 'count_only', 'only', 'keyword', 'unwind', 'path', 'lookup'],
  ...['add_fields', 'aggregate', 'group', 'keys', 'fields', 'conditions', 'data_type', 'date_format', 'project', 'exclude_keys'],
  ...['only_keys', 'skip', 'match', 'distinct', 'group_by', 'field_group', 'select', 'operator', 'value', 'key', 'name', 'desc'],
  ...['array', 'type', 'total', 'date', 'year', 'month', 'day', 'NULL'],
]);

function requestStrings(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') found.add(value);
  else if (Array.isArray(value)) value.forEach((item) => requestStrings(item, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [entryKey, entry] of Object.entries(value)) {
      found.add(entryKey);
      requestStrings(entry, found);
    }
  }
  return found;
}

function checkNoSplicing(request: unknown, texts: readonly string[]): void {
  for (const text of requestStrings(request)) {
    if (text.length < 3 || VOCABULARY.has(text)) continue;
    for (const sql of texts) {
      if (sql.includes(text)) throw new Error(`request string ${JSON.stringify(text)} appears in SQL: ${sql}`);
    }
  }
}

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase('query_fuzz');
  client = new Client({ connectionString: database.url });
  await client.connect();
  await loadFixture(client, seedCloudServices(120), seedJobs(120));
  await client.query("SET statement_timeout = '5s'");
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

type Outcome = 'result' | 'compile-error' | 'run-error';

async function attempt(request: unknown, compile: () => { texts: string[]; run: () => Promise<unknown> }): Promise<Outcome> {
  let compiled: { texts: string[]; run: () => Promise<unknown> };
  try {
    compiled = compile();
  } catch (error) {
    if (error instanceof QueryError) return 'compile-error';
    throw new Error(`compiling ${JSON.stringify(request)} threw ${String(error)}`, { cause: error });
  }
  checkNoSplicing(request, compiled.texts);
  try {
    await compiled.run();
    return 'result';
  } catch (error) {
    if (error instanceof QueryError) return 'run-error';
    throw new Error(`running ${JSON.stringify(request)} threw ${String(error)}\n${compiled.texts.join('\n')}`, { cause: error });
  }
}

function tally(outcomes: Outcome[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { result: 0, 'compile-error': 0, 'run-error': 0 };
  outcomes.forEach((outcome) => counts[outcome]++);
  return counts;
}

const SCOPE = { domain_id: DOMAIN_A };
const SCHEMAS = [cloudServiceSchema, jobSchema];

describe('fuzz: random and hostile queries end in a result or a QueryError', () => {
  it('search (2500 queries)', async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 2500; i++) {
      const schema = pick(SCHEMAS);
      wild = chance(0.5);
      const request = searchQuery(schema);
      outcomes.push(
        await attempt(request, () => {
          const typed = chance(0.2) ? { [pick([...schema.fields.keys()])]: value() } : undefined;
          const compiled = compileSearch(schema, request as never, SCOPE, typed);
          return { texts: [compiled.count.text, compiled.rows?.text ?? ''], run: () => runSearch(client, compiled) };
        }),
      );
    }
    const counts = tally(outcomes);
    if (process.env['QUERY_FUZZ_SEED']) console.log('search', counts);
    expect(counts.result).toBeGreaterThan(250);
    expect(counts['compile-error']).toBeGreaterThan(300);
  });

  it('stat (1500 queries)', async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 1500; i++) {
      const schema = pick(SCHEMAS);
      wild = chance(0.5);
      const request = statQuery(schema);
      outcomes.push(
        await attempt(request, () => {
          const compiled = compileStat(schema, request as never, SCOPE, undefined, { alwaysPage: chance(0.5) });
          return { texts: [compiled.rows.text, compiled.count?.text ?? ''], run: () => runStat(client, compiled) };
        }),
      );
    }
    expect(tally(outcomes).result).toBeGreaterThan(60);
  });

  it('analyze (1000 queries)', async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 1000; i++) {
      const schema = pick(SCHEMAS);
      wild = chance(0.5);
      const request = analyzeQuery(schema);
      outcomes.push(
        await attempt(request, () => {
          const compiled = compileAnalyze(schema, request as never, SCOPE);
          return { texts: [compiled.rows.text], run: () => runAnalyze(client, compiled) };
        }),
      );
    }
    expect(tally(outcomes).result).toBeGreaterThan(30);
  });

  it('the scope holds whatever the filters say', async () => {
    // the bait: rows of the other domain, which every filter_or below asks for
    expect((await client.query(`SELECT count(*)::int AS n FROM job WHERE domain_id = $1`, [DOMAIN_B])).rows[0].n).toBeGreaterThan(0);
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const request = { filter: list(() => condition(jobSchema), 2), filter_or: [...list(() => condition(jobSchema), 2), { k: 'domain_id', v: DOMAIN_B, o: 'eq' }], only: ['domain_id'] };
      let compiled;
      try {
        compiled = compileSearch(jobSchema, request, SCOPE);
      } catch (error) {
        if (error instanceof QueryError) continue;
        throw error;
      }
      const result = await runSearch(client, compiled).catch((error: unknown) => {
        if (error instanceof QueryError) return { results: [] };
        throw error;
      });
      for (const row of result.results) expect(row['domain_id']).toBe(DOMAIN_A);
      checked += result.results.length;
    }
    // a check of no rows proves nothing: enough queries must have come back with rows (180 with the fixed seed)
    if (process.env['QUERY_FUZZ_SEED']) console.log('scope: rows checked', checked);
    expect(checked).toBeGreaterThan(30);
  });
});
