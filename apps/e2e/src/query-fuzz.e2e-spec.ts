import { Stack, startStack, waitForJob } from '@cloud-inventory/testing';

/**
 * Thousands of random and hostile list/stat/analyze bodies against the running HTTP API (odd keys,
 * quotes, `;`, nested JSON, huge pages, wrong types): each answer is a 200 with results or a 400
 * with an ERROR_ code; never a 500, never a stack trace, never SQL of ours in the message.
 * QUERY_FUZZ_SEED=n tries other seeds, QUERY_FUZZ_COUNT=n more or fewer bodies.
 */

const SEED = Number(process.env['QUERY_FUZZ_SEED'] ?? 20240601);
const COUNT = Number(process.env['QUERY_FUZZ_COUNT'] ?? 5000);
const CONCURRENCY = 8;

/** mulberry32 */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Route = { path: string; kind: 'list' | 'stat' | 'analyze'; keys: string[]; typed: Record<string, unknown[]> };

const JOB_KEYS = ['job_id', 'status', 'total_tasks', 'failure_tasks', 'collector_id', 'plugin_id', 'created_at', 'finished_at', 'workspace_id', 'domain_id'];
const TASK_KEYS = ['job_task_id', 'status', 'created_count', 'updated_count', 'errors', 'errors.error_code', 'job_id', 'secret_id', 'started_at', 'provider'];
const COLLECTOR_KEYS = ['collector_id', 'name', 'provider', 'plugin_info', 'plugin_info.plugin_id', 'plugin_info.options.count', 'schedule.state', 'schedule.hours', 'secret_filter.state', 'tags', 'created_at'];
const CLOUD_SERVICE_KEYS = [
  'cloud_service_id',
  'name',
  'state',
  'provider',
  'cloud_service_group',
  'cloud_service_type',
  'region_code',
  'account',
  'instance_size',
  'ip_addresses',
  'data',
  'data.hardware.core',
  'data.compute.az',
  'data.block_devices.size',
  'data.tags.key',
  'tags.env',
  'tags.Name',
  'reference.resource_id',
  'collection_info.collector_id',
  'collection_info.last_collected_at',
  'tag_keys',
  'created_at',
];
const SECRET_KEYS = ['secret_id', 'name', 'state', 'provider', 'tags', 'created_at', 'workspace_id'];

const ROUTES: Route[] = [
  { path: '/inventory/v1/job/list', kind: 'list', keys: JOB_KEYS, typed: { status: ['SUCCESS', 'ERROR', 'CREATED', 'BOGUS', 3, ''], collector_id: ['x', "'"], workspace_id: ['*', 'ws'] } },
  { path: '/inventory/v1/jobs/search', kind: 'list', keys: JOB_KEYS, typed: { job_id: ['job-1', ';'] } },
  { path: '/inventory/v1/job/stat', kind: 'stat', keys: JOB_KEYS, typed: {} },
  { path: '/inventory/v1/jobs/stat', kind: 'stat', keys: JOB_KEYS, typed: {} },
  { path: '/inventory/v1/job/analyze', kind: 'analyze', keys: JOB_KEYS, typed: {} },
  { path: '/inventory/v1/job-task/list', kind: 'list', keys: TASK_KEYS, typed: { status: ['PENDING', 'FAILURE', 'NOPE'], secret_id: ['s'] } },
  { path: '/inventory/v1/job-task/stat', kind: 'stat', keys: TASK_KEYS, typed: {} },
  { path: '/inventory/v1/collector/list', kind: 'list', keys: COLLECTOR_KEYS, typed: { schedule_state: ['ENABLED', 'x'], plugin_id: ['synthetic'] } },
  { path: '/inventory/v1/collector/stat', kind: 'stat', keys: COLLECTOR_KEYS, typed: {} },
  { path: '/inventory/v1/cloud-service/list', kind: 'list', keys: CLOUD_SERVICE_KEYS, typed: { state: ['DELETED', 'ACTIVE', 7], ip_address: ['10.0.0.1'], provider: ['synthetic'] } },
  { path: '/inventory/v1/cloud-service/stat', kind: 'stat', keys: CLOUD_SERVICE_KEYS, typed: {} },
  { path: '/inventory/v1/cloud-service/analyze', kind: 'analyze', keys: CLOUD_SERVICE_KEYS, typed: {} },
  { path: '/secret/v1/secret/list', kind: 'list', keys: SECRET_KEYS, typed: { state: ['ENABLED', 'NONE?'] } },
  { path: '/secret/v1/secret/stat', kind: 'stat', keys: SECRET_KEYS, typed: {} },
];

const OPERATORS = [
  'eq', 'not', 'lt', 'lte', 'gt', 'gte', 'exists', 'contain', 'not_contain', 'in', 'not_in', 'contain_in', 'not_contain_in',
  'match', 'regex', 'regex_in', 'datetime_lt', 'datetime_lte', 'datetime_gt', 'datetime_gte', 'timediff_lt', 'timediff_lte', 'timediff_gt', 'timediff_gte',
];
const BAD_OPERATORS = ['like', '$ne', "eq'", '', 'EQ', 'in;', 'not in', 42, null, ['eq'], { o: 'eq' }];
const GROUP_OPERATORS = ['count', 'sum', 'average', 'max', 'min', 'first', 'last', 'push', 'add_to_set', 'merge_objects', 'avg', 'median', "count'", 1];
const HOSTILE_KEYS = [
  "name'; DROP TABLE job; --",
  'data.a"b',
  'tags.env\u0000',
  '__proto__',
  'constructor.prototype',
  'data..x',
  'data.',
  '.name',
  '',
  'x'.repeat(600),
  '$where',
  'data.a b',
  'ip_addresses[0]',
  '1=1',
  'data.0.1.2.3.4.5.6.7.8.9',
  'dátà.ñ',
  'identity_key',
  'content_hash',
  'secondary_keys',
  'encrypted_data',
  'task_options',
  'data->>0',
  'tags.*',
];
const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE cloud_service; --",
  '"; --',
  '%',
  '_',
  '\\',
  '\\\\%_',
  '(?=a)',
  '[',
  '(a+)+$',
  '*',
  '.*',
  'now/d - 7d',
  'now/x',
  'now - 99999999999d',
  '2024-01-01T00:00:00Z',
  '2024-13-45',
  'null',
  '\u0000',
  '\ud800',
  '🙂',
  'a'.repeat(5000),
  '$1',
  '{"a": 1}',
  'ACTIVE',
  'synthetic',
];

describe('query fuzz against the running HTTP API', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'fuzz',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: 20, seed: 1, invalid: 1 } },
    });
    await stack.grpc.call('Secret', 'create', { name: 'fuzz', provider: 'synthetic', data: { account_id: '123456789012' } });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collector['collector_id'] });
    await waitForJob(stack, started['job_id']);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`answers ${COUNT} random and hostile bodies with 200 or 400 only, never an internal error or SQL`, async () => {
    const next = random(SEED);
    const int = (n: number) => Math.floor(next() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)];
    const chance = (p: number) => next() < p;
    // a third of the bodies are wild; the others mostly well-formed, so that many reach the compiler and the database
    let wildness = 1;
    const hostile = (p: number) => chance(p * wildness);

    const scalar = (): unknown =>
      pick<() => unknown>([
        () => pick(HOSTILE_STRINGS),
        () => int(100),
        () => pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 63, 4294967296, -0]),
        () => chance(0.5),
        () => null,
        () => new Date(Date.now() - int(30) * 86_400_000).toISOString(),
      ])();
    const json = (depth: number): unknown => {
      if (depth > 3 || chance(0.5)) return scalar();
      return chance(0.5)
        ? Array.from({ length: int(4) }, () => json(depth + 1))
        : Object.fromEntries(Array.from({ length: int(4) }, () => [chance(0.3) ? pick(HOSTILE_KEYS) : `k${int(5)}`, json(depth + 1)]));
    };
    const deep = (): unknown => {
      let value: unknown = 'bottom';
      for (let i = 0; i < 200; i++) value = chance(0.5) ? [value] : { a: value };
      return value;
    };
    const key = (route: Route) => (!hostile(0.3) ? pick(route.keys) : chance(0.9) ? pick(HOSTILE_KEYS) : json(2));
    const condition = (route: Route): unknown => {
      if (hostile(0.1)) return json(1);
      const op = !hostile(0.2) ? pick(OPERATORS) : pick(BAD_OPERATORS);
      const value = chance(0.4) ? Array.from({ length: int(4) }, scalar) : hostile(0.2) ? json(0) : scalar();
      const long = chance(0.5);
      const c: Record<string, unknown> = long ? { key: key(route), value, operator: op } : { k: key(route), v: value, o: op };
      if (hostile(0.1)) c['extra'] = json(1);
      if (hostile(0.05)) c['key'] = key(route); // both key and k
      return c;
    };
    const conditions = (route: Route): unknown => (hostile(0.1) ? json(1) : Array.from({ length: int(4) }, () => condition(route)));
    const page = (): unknown =>
      hostile(0.2)
        ? chance(0.5)
          ? json(1)
          : { start: pick([-5, '3', 1.5, 'x', 2 ** 33]), limit: pick([-1, '10', 1e12, [], {}]) }
        : { start: pick([0, 1, 2, 3, 2 ** 31, 4294967295]), limit: pick([0, 1, 10, 1000, 1001, 2 ** 31, 4294967295]) };
    const sort = (route: Route): unknown =>
      hostile(0.2) ? json(1) : Array.from({ length: int(3) }, () => (!hostile(0.2) ? { key: key(route), desc: hostile(0.2) ? scalar() : chance(0.5) } : scalar()));

    const listQuery = (route: Route): Record<string, unknown> => {
      const q: Record<string, unknown> = {};
      if (chance(0.6)) q['filter'] = conditions(route);
      if (chance(0.3)) q['filter_or'] = conditions(route);
      if (chance(0.4)) q['sort'] = sort(route);
      if (chance(0.4)) q['page'] = page();
      if (chance(0.3)) q['only'] = !hostile(0.2) ? Array.from({ length: int(4) }, () => key(route)) : json(1);
      if (chance(0.15)) q['minimal'] = !hostile(0.2) ? chance(0.5) : scalar();
      if (chance(0.1)) q['count_only'] = !hostile(0.2) ? chance(0.5) : scalar();
      if (chance(0.2)) q['keyword'] = !hostile(0.2) ? pick(HOSTILE_STRINGS) : scalar();
      if (hostile(0.1)) q['unwind'] = { path: key(route) };
      if (hostile(0.1)) q[pick(['lookup', 'add_fields', 'surprise', '__proto__'])] = json(1);
      return q;
    };
    const stage = (route: Route): unknown =>
      pick<() => unknown>([
        () => ({
          group: {
            keys: Array.from({ length: int(3) }, () => ({ key: key(route), name: !hostile(0.2) ? `g${int(3)}` : scalar(), ...(chance(0.2) ? { date_format: pick(['%Y-%m-%d', 'year', 'month', 'day', '%Q', "'%Y"]) } : {}) })),
            fields: Array.from({ length: int(3) }, () => ({
              ...(chance(0.8) ? { key: key(route) } : {}),
              name: !hostile(0.2) ? `f${int(3)}` : scalar(),
              operator: !hostile(0.2) ? pick(GROUP_OPERATORS.slice(0, 10)) : pick(GROUP_OPERATORS),
              ...(chance(0.1) ? { conditions: [{ key: key(route), value: scalar(), operator: pick(['eq', 'gte', 'zz']) }] } : {}),
            })),
          },
        }),
        () => ({ sort: Array.from({ length: int(3) }, () => ({ key: chance(0.5) ? `g${int(3)}` : key(route), desc: chance(0.5) })) }),
        () => ({ limit: pick([1, 0, -1, 2 ** 31, 5]) }),
        () => ({ skip: pick([1, 0, -1, 2 ** 31]) }),
        () => ({ count: { name: !hostile(0.2) ? 'n' : scalar() } }),
        () => ({ unwind: { path: key(route) } }),
        () => ({ project: { fields: [{ key: chance(0.5) ? `g${int(3)}` : key(route), name: 'p', ...(chance(0.3) ? { operator: pick(['size', 'sum', 'divide', 'nope']) } : {}) }], exclude_keys: chance(0.5) } }),
        () => (hostile(0.5) ? json(1) : { limit: 3 }),
        () => (hostile(0.5) ? { group: {}, sort: [] } : { skip: 1 }),
      ])();
    const statQuery = (route: Route): Record<string, unknown> => {
      const q: Record<string, unknown> = {};
      if (chance(0.85)) q['aggregate'] = !hostile(0.1) ? Array.from({ length: 1 + int(3) }, () => stage(route)) : json(1);
      if (chance(0.2)) q['distinct'] = key(route);
      if (chance(0.4)) q['filter'] = conditions(route);
      if (chance(0.2)) q['filter_or'] = conditions(route);
      if (chance(0.3)) q['page'] = page();
      if (chance(0.1)) q['keyword'] = pick(HOSTILE_STRINGS);
      return q;
    };
    const analyzeQuery = (route: Route): Record<string, unknown> => {
      const q: Record<string, unknown> = {};
      if (chance(0.9)) q['group_by'] = !hostile(0.1) ? Array.from({ length: int(3) }, () => (chance(0.7) ? key(route) : { key: key(route), name: !hostile(0.2) ? `n${int(3)}` : scalar() })) : json(1);
      if (chance(0.9)) {
        q['fields'] = !hostile(0.1)
          ? Object.fromEntries(
              Array.from({ length: 1 + int(3) }, () => [
                !hostile(0.1) ? `v${int(4)}` : pick(HOSTILE_KEYS),
                { operator: !hostile(0.2) ? pick(GROUP_OPERATORS.slice(0, 10)) : pick(GROUP_OPERATORS), ...(chance(0.7) ? { key: key(route) } : {}) },
              ]),
            )
          : json(1);
      }
      if (chance(0.3)) q['field_group'] = Array.from({ length: int(2) }, () => (chance(0.8) ? `n${int(3)}` : pick(['_total_x', key(route)])));
      if (chance(0.2)) q['select'] = Object.fromEntries([[`s${int(2)}`, chance(0.5) ? `v${int(4)}` : { operator: pick(['add', 'divide', 'nope', 'size']), fields: [`v${int(4)}`, int(3)] }]]);
      if (chance(0.3)) q['filter'] = conditions(route);
      if (chance(0.3)) q['sort'] = sort(route);
      if (chance(0.3)) q['page'] = page();
      return q;
    };

    const body = (route: Route): unknown => {
      wildness = chance(1 / 3) ? 1 : 0.15;
      if (hostile(0.03)) return pick(['{"query": ', 'null', '[]', '"query"', '{"query": {"filter": [}}', '\u0000']);
      if (hostile(0.03)) return { query: deep() };
      if (hostile(0.05)) return { query: json(2) };
      const request: Record<string, unknown> = {};
      request['query'] = route.kind === 'list' ? listQuery(route) : route.kind === 'stat' ? statQuery(route) : analyzeQuery(route);
      for (const [name, values] of Object.entries(route.typed)) if (chance(0.15)) request[name] = pick(values);
      if (hostile(0.05)) request['domain_id'] = 'domain-other';
      return request;
    };

    const SQL_OF_OURS = [/\$\d+::/, /\bFROM "/, / AS c\d/, /\bjsonb_path_exists/, /\bcount\(\*\)/, /\bORDER BY\b/, /\bWITH s\d/];
    const counts: Record<number, number> = {};
    const refusals: Record<string, number> = {};
    const failures: string[] = [];
    const started = Date.now();
    let index = 0;
    const worker = async () => {
      while (index < COUNT) {
        const route = ROUTES[index % ROUTES.length];
        index += 1;
        const sent = body(route);
        const response = await stack.post(route.path, typeof sent === 'string' ? sent : JSON.stringify(sent)).catch((error: Error) => ({
          status: -1,
          body: { message: error.message },
        }));
        counts[response.status] = (counts[response.status] ?? 0) + 1;
        if (response.status === 400) {
          const code = `${response.body?.code}${String(response.body?.message).startsWith('Invalid request') ? ' (body)' : ''}`;
          refusals[code] = (refusals[code] ?? 0) + 1;
          if (process.env['QUERY_FUZZ_DEBUG'] && code.endsWith('(body)') && refusals[code] % 50 === 0) console.log(response.body.message);
        }
        const text = JSON.stringify(response.body ?? null);
        const problem =
          response.status === 200
            ? Array.isArray(response.body?.results)
              ? undefined
              : 'a 200 without results'
            : response.status !== 400
              ? `status ${response.status}`
              : !/^ERROR_[A-Z_]+$/.test(response.body?.code ?? '') || typeof response.body?.message !== 'string'
                ? 'a 400 without an ERROR_ code and a message'
                : /\n\s+at |node_modules|QueryFailedError|error_id/.test(text)
                  ? 'a stack trace or an internal error in the message'
                  : SQL_OF_OURS.some((pattern) => pattern.test(response.body.message))
                    ? 'SQL in the message'
                    : undefined;
        if (problem && failures.length < 10) failures.push(`${problem}: POST ${route.path} ${JSON.stringify(sent).slice(0, 600)} → ${text.slice(0, 600)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    console.log(`query fuzz: ${COUNT} bodies in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(counts)}, 400s ${JSON.stringify(refusals)} (seed ${SEED})`);

    expect(failures).toEqual([]);
    expect(Object.keys(counts).sort()).toEqual(['200', '400']);
    // the generator reaches both sides: enough valid queries run, enough hostile ones are refused
    expect(counts[200]).toBeGreaterThan(COUNT / 20);
    expect(counts[400]).toBeGreaterThan(COUNT / 20);
    expect(stack.inventory.log()).not.toContain('Unexpected error');
    // the tables are still there and still answer
    expect((await stack.post('/inventory/v1/cloud-service/list', { query: { count_only: true } })).body.total_count).toBe(20);
  });
});
