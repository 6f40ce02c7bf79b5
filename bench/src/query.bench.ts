import { Client } from 'pg';
import { compileSearch, compileStat, CompiledSearch, CompiledStat, ResultObject, SqlStatement, toResultObject } from '@cloud-inventory/query';
import { JsonRecord as Json, post } from '@cloud-inventory/testing';
// the inventory's own query schema and default state filter, so that the direct SQL is the SQL the
// API compiles (a bench-only import, as naive-ingest.ts imports the inventory's entities)
import { CLOUD_SERVICE_QUERY_SCHEMA, stateFilter } from '@cloud-inventory/inventory';
import { BenchEnvironment, InventoryInstance } from './bench-environment';
import { counterProblems, createCollector, createSecret, startCollect, summariseJob, SyntheticOptions, waitForJobs } from './collect-runs';
import { mapLimited } from './fanout.bench';
import { formatInt, formatMs, formatRatio, formatSeconds, markdownTable, mean, percentile, ratePerSecond, secondsSince } from './figures';


export interface QueryBenchOptions {
  /** Cloud services seeded, one fresh database and inventory per size (default 1M). */
  sizes: number[];
  /** Collectors (one secret, one account and one seed each) the N resources are spread over, collected at once (default 10). */
  collectors: number;
  /** Measured requests per query and path (default 50), after `warmup` unmeasured ones. */
  repeat: number;
  warmup: number;
  /** Measured runs of the no-index baseline (sequential scans: slow at 1M), default 10. */
  noIndexRepeat: number;
  timeoutMs: number;
  /** Put the compiled statements in the report. */
  showSql?: boolean;
  /**
   * A database of the run's server already seeded by this bench (kept with BENCH_KEEP): no seeding, the
   * inventory starts on it (its migrations run) and the queries are measured; one size only. Iterating on
   * indexes or SQL at 1M then takes minutes, not a new 1M collect each time.
   */
  reuseDatabase?: string;
  /** Keep each seeded database (its name is logged) instead of dropping it. */
  keepDatabase?: boolean;
}

export type QueryPath = 'http' | 'grpc' | 'sql' | 'sql-no-index';

export const PATH_LABELS: Record<QueryPath, string> = {
  http: 'HTTP',
  grpc: 'gRPC',
  sql: 'direct SQL',
  'sql-no-index': 'direct SQL, no index',
};

export interface QueryCase {
  id: string;
  label: string;
  verb: 'list' | 'stat';
  /** The request's `query`, as a Cloudforet client writes it. */
  query: Json;
}

/** From this many cloud services on, every list case must match some (the JSON case matches ~1 in 128). */
const MIN_ROWS_FOR_MATCHES = 10_000;

/** The domain of the bench's admin token: its collectors collect into it. */
export const QUERY_BENCH_DOMAIN = 'domain-default';

/**
 * The kinds of resources the bench's collectors produce (the synthetic plugin's `mix`): ten
 * group/type pairs in seven groups, weighted as an AWS account roughly is (instances and volumes
 * first, a few alarms). EC2 is ~53% of the rows.
 */
export const QUERY_BENCH_MIX: NonNullable<SyntheticOptions['mix']> = [
  { cloud_service_group: 'EC2', cloud_service_type: 'Instance', weight: 30 },
  { cloud_service_group: 'EC2', cloud_service_type: 'Volume', weight: 15 },
  { cloud_service_group: 'EC2', cloud_service_type: 'SecurityGroup', weight: 8 },
  { cloud_service_group: 'S3', cloud_service_type: 'Bucket', weight: 10 },
  { cloud_service_group: 'RDS', cloud_service_type: 'Database', weight: 7 },
  { cloud_service_group: 'VPC', cloud_service_type: 'Subnet', weight: 10 },
  { cloud_service_group: 'IAM', cloud_service_type: 'Role', weight: 10 },
  { cloud_service_group: 'Lambda', cloud_service_type: 'Function', weight: 6 },
  { cloud_service_group: 'ELB', cloud_service_type: 'LoadBalancer', weight: 3 },
  { cloud_service_group: 'CloudWatch', cloud_service_type: 'Alarm', weight: 1 },
];

/** The measured queries: the issue's list (filter + sort + page), a list on JSON keys (GIN), the stat by two keys. */
export const QUERY_CASES: readonly QueryCase[] = [
  {
    id: 'list',
    label: 'list: provider, group eq, region in; sort created_at desc; page 100',
    verb: 'list',
    query: {
      filter: [
        { k: 'provider', v: 'synthetic', o: 'eq' },
        { k: 'cloud_service_group', v: 'EC2', o: 'eq' },
        { k: 'region_code', v: ['us-east-1', 'eu-west-1', 'ap-northeast-2'], o: 'in' },
      ],
      sort: [{ key: 'created_at', desc: true }],
      page: { start: 1, limit: 100 },
    },
  },
  {
    id: 'list-json',
    // tags are kept by provider (CloudServiceInfo's shape): the plugin's `env` tag is `tags.synthetic.env`
    label: 'list: tags.synthetic.env, tags.synthetic.team, data.compute.image eq (GIN); sort created_at desc; page 100',
    verb: 'list',
    query: {
      filter: [
        { k: 'tags.synthetic.env', v: 'prod', o: 'eq' },
        { k: 'tags.synthetic.team', v: 'payments', o: 'eq' },
        { k: 'data.compute.image', v: 'ami-0c7217cdde317cfec', o: 'eq' },
      ],
      sort: [{ key: 'created_at', desc: true }],
      page: { start: 1, limit: 100 },
    },
  },
  {
    id: 'stat',
    label: 'stat: group by cloud_service_group, region_code; count; sort count desc',
    verb: 'stat',
    query: {
      aggregate: [
        {
          group: {
            keys: [
              { key: 'cloud_service_group', name: 'group' },
              { key: 'region_code', name: 'region' },
            ],
            fields: [{ operator: 'count', name: 'count' }],
          },
        },
        { sort: [{ key: 'count', desc: true }] },
      ],
    },
  },
];

export interface SeedReading {
  collectors: number;
  /** First job created_at → last job finished_at. */
  seconds: number;
  rate: number;
  created: number;
  /** Live cloud services of the domain counted in the database afterwards. */
  counted: number;
  vacuumSeconds: number;
  /** cloud_service with its TOAST and indexes, and its indexes alone (MB). */
  tableMb: number;
  indexMb: number;
}

export interface QueryRow {
  caseId: string;
  path: QueryPath;
  samplesMs: number[];
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Results of the last response, and its total_count (undefined for a stat without page). */
  returned: number;
  totalCount?: number;
}

export interface QueryPlan {
  caseId: string;
  direct: string;
  noIndex: string;
}

export interface QueryBenchReport {
  n: number;
  /** The database measured (kept after the run with `keepDatabase`, or the reused one). */
  database: string;
  seed: SeedReading;
  repeat: number;
  warmup: number;
  noIndexRepeat: number;
  rows: QueryRow[];
  plans: QueryPlan[];
  sql: { caseId: string; statements: string[] }[];
  problems: string[];
}

interface Outcome {
  results: Json[];
  total_count?: number;
}

/** One way of asking a query: `run` is what is timed, `read` turns its last answer into results (untimed). */
interface PathRunner {
  path: QueryPath;
  repeat: number;
  run(): Promise<unknown>;
  read(answer: unknown): Outcome;
}

// ---------------------------------------------------------------------------------------------
// seeding

/**
 * N cloud services through the real collect path: `collectors` synthetic collectors, each with
 * its own secret (account), seed and share of N, all collected at once (the inventory runs
 * WORKER_CONCURRENCY of the jobs at a time), then VACUUM ANALYZE.
 */
export async function seedCloudServices(
  env: BenchEnvironment,
  inventory: InventoryInstance,
  db: Client,
  n: number,
  options: Pick<QueryBenchOptions, 'collectors' | 'timeoutMs'>,
): Promise<{ seed: SeedReading; problems: string[] }> {
  const count = Math.max(1, Math.min(options.collectors, n));
  const counts = Array.from({ length: count }, (_, i) => Math.floor(n / count) + (i < n % count ? 1 : 0));
  const grpcClient = inventory.grpc;
  const collectorIds = await mapLimited(counts, 4, async (resources, i) => {
    const secretId = await createSecret(grpcClient, String(400_000_000_000 + i));
    const syntheticOptions: SyntheticOptions = { count: resources, seed: i + 1, include_types: false, mix: QUERY_BENCH_MIX };
    return createCollector(grpcClient, `query bench ${i + 1}`, syntheticOptions, [secretId]);
  });
  env.log(`query: seeding ${formatInt(n)} cloud services (${count} collectors × ~${formatInt(counts[0])}, collected at once)`);
  const started = process.hrtime.bigint();
  const jobIds = await Promise.all(collectorIds.map((id) => startCollect(grpcClient, id)));
  const progress = setInterval(() => {
    void db
      .query<{ n: string }>("SELECT n_tup_ins AS n FROM pg_stat_user_tables WHERE relname = 'cloud_service'")
      .then((result) => env.log(`query: seeding… ${formatSeconds(secondsSince(started))} s, ${formatInt(Number(result.rows[0]?.n ?? 0))} rows inserted`))
      .catch(() => undefined);
  }, 30_000);
  let jobs: Json[];
  try {
    jobs = await waitForJobs(grpcClient, jobIds, options.timeoutMs);
  } finally {
    clearInterval(progress);
  }
  const runs = await mapLimited(jobs, 4, (job) => summariseJob(grpcClient, job));
  const problems = runs.flatMap((run, i) => counterProblems(run, { created: counts[i], updated: 0, tasks: 1 }));
  const created = runs.reduce((sum, run) => sum + run.created, 0);
  const first = Math.min(...runs.map((run) => Date.parse(run.job['created_at'])));
  const last = Math.max(...runs.map((run) => Date.parse(run.job['finished_at'])));
  const seconds = (last - first) / 1000;

  const counted = Number(
    (await db.query<{ n: string }>("SELECT count(*) AS n FROM cloud_service WHERE domain_id = $1 AND state <> 'DELETED'", [QUERY_BENCH_DOMAIN])).rows[0].n,
  );
  if (counted !== n) problems.push(`${formatInt(counted)} live cloud services in the database, expected ${formatInt(n)}`);
  env.log(`query: ${formatInt(counted)} cloud services in ${formatSeconds(seconds)} s; VACUUM ANALYZE`);
  const vacuumStarted = process.hrtime.bigint();
  await db.query('VACUUM ANALYZE cloud_service');
  const vacuumSeconds = secondsSince(vacuumStarted);
  const sizes = (
    await db.query<{ total: string; indexes: string }>("SELECT pg_total_relation_size('cloud_service') AS total, pg_indexes_size('cloud_service') AS indexes")
  ).rows[0];
  return {
    seed: {
      collectors: count,
      seconds,
      rate: ratePerSecond(created, seconds),
      created,
      counted,
      vacuumSeconds,
      tableMb: Number(sizes.total) / 1024 ** 2,
      indexMb: Number(sizes.indexes) / 1024 ** 2,
    },
    problems,
  };
}

/** A database seeded by an earlier run: its live rows are counted (they must be N) and its sizes read; the seeding figures are unknown (0). */
async function seededEarlier(env: BenchEnvironment, db: Client, n: number): Promise<{ seed: SeedReading; problems: string[] }> {
  const problems: string[] = [];
  const counted = Number(
    (await db.query<{ n: string }>("SELECT count(*) AS n FROM cloud_service WHERE domain_id = $1 AND state <> 'DELETED'", [QUERY_BENCH_DOMAIN])).rows[0].n,
  );
  if (counted !== n) problems.push(`${formatInt(counted)} live cloud services in the reused database, expected ${formatInt(n)}`);
  env.log(`query: reusing a database seeded earlier, ${formatInt(counted)} live cloud services`);
  const sizes = (
    await db.query<{ total: string; indexes: string }>("SELECT pg_total_relation_size('cloud_service') AS total, pg_indexes_size('cloud_service') AS indexes")
  ).rows[0];
  return {
    seed: { collectors: 0, seconds: 0, rate: 0, created: 0, counted, vacuumSeconds: 0, tableMb: Number(sizes.total) / 1024 ** 2, indexMb: Number(sizes.indexes) / 1024 ** 2 },
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// the ways of asking

/** What the inventory compiles for this request (scope, then the implicit state filter, then the query). */
export function compileCase(queryCase: QueryCase): CompiledSearch | CompiledStat {
  const scope = { domain_id: QUERY_BENCH_DOMAIN };
  const typedFilters = { state: stateFilter(undefined, queryCase.query) };
  return queryCase.verb === 'list'
    ? compileSearch(CLOUD_SERVICE_QUERY_SCHEMA, queryCase.query, scope, typedFilters)
    : compileStat(CLOUD_SERVICE_QUERY_SCHEMA, queryCase.query, scope, typedFilters);
}

function statementsOf(compiled: CompiledSearch | CompiledStat): { rows?: SqlStatement; count?: SqlStatement } {
  return { rows: compiled.rows, count: compiled.count };
}

function apiPaths(inventory: InventoryInstance, queryCase: QueryCase, repeat: number): PathRunner[] {
  const route = `/inventory/v1/cloud-service/${queryCase.verb}`;
  const body = JSON.stringify({ query: queryCase.query });
  const read = (answer: unknown) => answer as Outcome;
  return [
    {
      path: 'http',
      repeat,
      run: async () => {
        const response = await post(inventory.httpUrl, route, body, inventory.headers);
        if (response.status !== 200) throw new Error(`POST ${route} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
        return response.body;
      },
      read,
    },
    {
      path: 'grpc',
      repeat,
      run: () => inventory.grpc.call('CloudService', queryCase.verb, { query: queryCase.query }),
      read,
    },
  ];
}

/**
 * The compiled statements run one after the other on one connection (as the API's runner runs
 * them, minus its read-only transaction): pg parses the rows; turning them into result objects
 * is left out of the timing.
 */
function sqlPath(path: QueryPath, db: Client, compiled: CompiledSearch | CompiledStat, repeat: number): PathRunner {
  const { rows, count } = statementsOf(compiled);
  return {
    path,
    repeat,
    run: async () => {
      const rowsResult = rows ? (await db.query(rows.text, [...rows.values])).rows : [];
      const countResult = count ? (await db.query(count.text, [...count.values])).rows : undefined;
      return { rowsResult, countResult };
    },
    read: (answer) => {
      const { rowsResult, countResult } = answer as { rowsResult: Json[]; countResult?: Json[] };
      const results: ResultObject[] = rowsResult.map((row) => toResultObject(row, compiled.columns));
      return countResult ? { results, total_count: Number(countResult[0]?.['total'] ?? 0) } : { results };
    },
  };
}

/** What two answers must share: total_count and the ids in order for a list, the rows (in any order: ties of count) for a stat. */
function signature(queryCase: QueryCase, outcome: Outcome): string {
  if (queryCase.verb === 'list') {
    return `${outcome.total_count}|${outcome.results.map((row) => row['cloud_service_id']).join(',')}`;
  }
  const rows = outcome.results.map((row) => JSON.stringify(row, Object.keys(row).sort()));
  return `${outcome.total_count ?? ''}|${rows.sort().join(',')}`;
}

/** The scans of an EXPLAIN (FORMAT JSON) plan, e.g. "Index Scan Backward IDX_cloud_service_domain_created". */
function scansOf(plan: Json): string[] {
  const scans: string[] = [];
  const visit = (node: Json) => {
    const type = String(node['Node Type'] ?? '');
    if (type.includes('Scan') && !['CTE Scan', 'Subquery Scan', 'Function Scan'].includes(type)) {
      const direction = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
      const target = node['Index Name'] ?? node['Relation Name'] ?? '';
      scans.push(`${type}${direction}${target ? ` ${target}` : ''}`);
    }
    for (const child of (node['Plans'] as Json[] | undefined) ?? []) visit(child);
  };
  visit(plan);
  return [...new Set(scans)];
}

async function planOf(db: Client, compiled: CompiledSearch | CompiledStat): Promise<string> {
  const parts: string[] = [];
  for (const [name, statement] of Object.entries(statementsOf(compiled))) {
    if (!statement) continue;
    const result = await db.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, [...statement.values]);
    const explained = result.rows[0]['QUERY PLAN'];
    const plan = (Array.isArray(explained) ? explained : JSON.parse(String(explained)))[0]['Plan'];
    parts.push(`${name}: ${scansOf(plan).join(' + ') || 'no scan'}`);
  }
  return parts.join('; ');
}

export async function connect(url: string, settings: string[] = []): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'bench-query' });
  await client.connect();
  for (const setting of settings) await client.query(setting);
  return client;
}

/** Index scans off for the no-index baseline (all three kinds: plain, bitmap and index-only). */
export const NO_INDEX_SETTINGS = ['SET enable_indexscan = off', 'SET enable_bitmapscan = off', 'SET enable_indexonlyscan = off'];

/**
 * Every path of one query, round-robin (one request of each path per round, so that a busy
 * moment of the shared machine hits them alike): `warmup` unmeasured rounds, then each path until
 * it has its `repeat` samples.
 */
async function measure(queryCase: QueryCase, paths: PathRunner[], warmup: number, n: number): Promise<{ rows: QueryRow[]; problems: string[] }> {
  const samples = new Map<QueryPath, number[]>(paths.map((p) => [p.path, []]));
  const last = new Map<QueryPath, unknown>();
  const rounds = warmup + Math.max(...paths.map((p) => p.repeat));
  for (let round = 0; round < rounds; round++) {
    for (const p of paths) {
      const taken = samples.get(p.path)!;
      if (round >= warmup && taken.length >= p.repeat) continue;
      const started = process.hrtime.bigint();
      const answer = await p.run();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (round >= warmup) taken.push(ms);
      last.set(p.path, answer);
    }
  }
  const problems: string[] = [];
  const outcomes = new Map(paths.map((p) => [p.path, p.read(last.get(p.path))]));
  const reference = outcomes.get('sql')!;
  // a list that matches nothing measures nothing (as the JSON case did once tags were kept by provider)
  if (queryCase.verb === 'list' && n >= MIN_ROWS_FOR_MATCHES && !reference.total_count) {
    problems.push(`${queryCase.id}: no cloud service matches the query over ${formatInt(n)}: it measures an empty result`);
  }
  for (const [path, outcome] of outcomes) {
    if (signature(queryCase, outcome) !== signature(queryCase, reference)) {
      problems.push(
        `${queryCase.id}: ${PATH_LABELS[path]} answered ${outcome.results.length} results / total_count ${outcome.total_count}, ` +
          `unlike the direct SQL (${reference.results.length} / ${reference.total_count}) or in another order`,
      );
    }
  }
  const rows = paths.map((p): QueryRow => {
    const taken = samples.get(p.path)!;
    const outcome = outcomes.get(p.path)!;
    return {
      caseId: queryCase.id,
      path: p.path,
      samplesMs: taken,
      p50: percentile(taken, 50),
      p95: percentile(taken, 95),
      p99: percentile(taken, 99),
      mean: mean(taken),
      returned: outcome.results.length,
      totalCount: outcome.total_count,
    };
  });
  return { rows, problems };
}

/**
 * For each N, on a fresh database and inventory: N cloud services seeded through the collect path
 * and VACUUM ANALYZE; then each query of QUERY_CASES over HTTP and gRPC, beside the compiled SQL
 * run directly on PostgreSQL with and without index scans, all in the same run.
 */
export async function runQueryBench(env: BenchEnvironment, options: QueryBenchOptions): Promise<QueryBenchReport[]> {
  const reports: QueryBenchReport[] = [];
  if (options.reuseDatabase && options.sizes.length !== 1) throw new Error('BENCH_QUERY_DATABASE holds one size: give one BENCH_N');
  for (const n of options.sizes) {
    const databaseUrl = options.reuseDatabase ? env.databaseUrl(options.reuseDatabase) : await env.createDatabase(`query_${n}`);
    const inventory = await env.startInventory(databaseUrl);
    const clients: Client[] = [];
    try {
      reports.push(
        await inventory.explain(async () => {
          const admin = await connect(databaseUrl);
          clients.push(admin);
          const { seed, problems } = options.reuseDatabase
            ? await seededEarlier(env, admin, n)
            : await seedCloudServices(env, inventory, admin, n, options);
          const direct = await connect(databaseUrl);
          const noIndex = await connect(databaseUrl, NO_INDEX_SETTINGS);
          clients.push(direct, noIndex);
          const rows: QueryRow[] = [];
          const plans: QueryPlan[] = [];
          const sql: QueryBenchReport['sql'] = [];
          for (const queryCase of QUERY_CASES) {
            const compiled = compileCase(queryCase);
            plans.push({ caseId: queryCase.id, direct: await planOf(direct, compiled), noIndex: await planOf(noIndex, compiled) });
            const { rows: statementRows, count } = statementsOf(compiled);
            sql.push({
              caseId: queryCase.id,
              statements: [statementRows, count].filter((s): s is SqlStatement => !!s).map((s) => `${s.text}\n-- values: ${JSON.stringify(s.values)}`),
            });
            env.log(`query: ${queryCase.id}: ${options.warmup} warm-up + ${options.repeat} requests per path (${options.noIndexRepeat} without indexes)`);
            const measured = await measure(
              queryCase,
              [
                ...apiPaths(inventory, queryCase, options.repeat),
                sqlPath('sql', direct, compiled, options.repeat),
                sqlPath('sql-no-index', noIndex, compiled, options.noIndexRepeat),
              ],
              options.warmup,
              n,
            );
            rows.push(...measured.rows);
            problems.push(...measured.problems);
          }
          return { n, database: new URL(databaseUrl).pathname.slice(1), seed, repeat: options.repeat, warmup: options.warmup, noIndexRepeat: options.noIndexRepeat, rows, plans, sql, problems };
        }),
      );
    } finally {
      for (const client of clients) await client.end().catch(() => undefined);
      await inventory.stop();
      if (options.reuseDatabase || options.keepDatabase) env.log(`query: kept database ${new URL(databaseUrl).pathname.slice(1)} (BENCH_QUERY_DATABASE to reuse it)`);
      else await env.dropDatabase(databaseUrl);
    }
  }
  return reports;
}

// ---------------------------------------------------------------------------------------------
// the report

const CASE_TITLES: Record<string, string> = {
  list: 'list (filter + sort + page)',
  'list-json': 'list (tags.* / data.* filter)',
  stat: 'stat (group by 2 keys)',
};

function formatReport(report: QueryBenchReport, showSql: boolean): string {
  const p50Of = (caseId: string, path: QueryPath) => report.rows.find((r) => r.caseId === caseId && r.path === path)?.p50 ?? NaN;
  const table = markdownTable(
    ['query', 'path', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'runs', 'rows / total_count', 'vs direct SQL', 'vs no index'],
    report.rows.map((r) => [
      CASE_TITLES[r.caseId] ?? r.caseId,
      PATH_LABELS[r.path],
      formatMs(r.p50),
      formatMs(r.p95),
      formatMs(r.p99),
      formatMs(r.mean),
      String(r.samplesMs.length),
      `${formatInt(r.returned)} / ${r.totalCount === undefined ? '–' : formatInt(r.totalCount)}`,
      formatRatio(r.p50 / p50Of(r.caseId, 'sql')),
      formatRatio(r.p50 / p50Of(r.caseId, 'sql-no-index')),
    ]),
  );
  const s = report.seed;
  const seeding = s.collectors === 0
    ? `Reused a database seeded earlier (BENCH_QUERY_DATABASE): ${formatInt(s.counted)} live rows; `
    : `Seeded through the collect path: ${s.collectors} synthetic collectors (one account each) collected at once, ` +
      `${formatInt(s.created)} created in ${formatSeconds(s.seconds)} s (${formatInt(s.rate)} resources/s), ` +
      `${formatInt(s.counted)} live rows; VACUUM ANALYZE ${formatSeconds(s.vacuumSeconds)} s; `;
  const lines = [
    `Query latency over ${formatInt(report.n)} cloud services`,
    '',
    seeding +
      `cloud_service ${formatInt(s.tableMb)} MB with its indexes (${formatInt(s.indexMb)} MB of indexes).`,
    '',
    table,
    '',
    `${report.warmup} warm-up rounds, then ${report.repeat} requests per path (${report.noIndexRepeat} for the no-index baseline), ` +
      'one after the other, the paths taking turns. HTTP: POST /inventory/v1/cloud-service/<verb> (fetch, keep-alive); ' +
      'gRPC: spaceone.api.inventory.v1.CloudService; direct SQL: the statements libs/query compiles for the same request ' +
      '(rows, then total_count) on one pg connection; no index: the same with enable_indexscan, enable_bitmapscan and ' +
      'enable_indexonlyscan off. Ratios are of p50s.',
    '',
    'Plans (the scans of EXPLAIN):',
    ...report.plans.flatMap((p) => [`- ${CASE_TITLES[p.caseId] ?? p.caseId}, direct: ${p.direct}`, `- ${CASE_TITLES[p.caseId] ?? p.caseId}, no index: ${p.noIndex}`]),
  ];
  if (showSql) {
    lines.push('', 'Compiled SQL:');
    for (const entry of report.sql) {
      lines.push('', `${CASE_TITLES[entry.caseId] ?? entry.caseId}:`, '```sql', ...entry.statements.flatMap((st) => [st, '']), '```');
    }
  }
  lines.push('');
  if (report.problems.length === 0) lines.push('PASS: every path gave the same answer; counters exact');
  else lines.push(...report.problems.map((problem) => `- FAIL ${problem}`));
  return lines.join('\n');
}

export function formatQueryReport(reports: QueryBenchReport[], showSql = false): string {
  return reports.map((report) => formatReport(report, showSql)).join('\n\n');
}

export function queryFailed(reports: QueryBenchReport[]): boolean {
  return reports.some((report) => report.problems.length > 0);
}
