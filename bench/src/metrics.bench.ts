import { Client } from 'pg';
import { runAnalyze } from '@cloud-inventory/query';
// the inventory's own compilation of a metric's query, so that the baseline runs the same query
import { compileMetricQuery, MetricDefinition } from '@cloud-inventory/inventory';
import { JsonRecord as Json } from '@cloud-inventory/testing';
import { BenchEnvironment, InventoryInstance } from './bench-environment';
import { collectAndWait, counterProblems, createCollector, createSecret } from './collect-runs';
import { formatInt, formatSeconds, markdownTable, percentile, secondsSince } from './figures';
import { connect, QUERY_BENCH_DOMAIN, QUERY_BENCH_MIX, SeedReading, seedCloudServices } from './query.bench';


export interface MetricsBenchOptions {
  /** Cloud services seeded, one fresh database and inventory per size (default 1M). */
  sizes: number[];
  /** Collectors the N are spread over, collected at once (the query bench's seeding). */
  collectors: number;
  /** Measured rounds of Metric.run over every metric (default 3). */
  rounds: number;
  /** Run the row-by-row baseline (default true). */
  baseline: boolean;
  timeoutMs: number;
}

export interface MetricTiming {
  metricId: string;
  /** Seconds of Metric.run (gRPC, one INSERT … SELECT), per round. */
  runSeconds: number[];
  /** Seconds of the baseline: the same query read into the bench, then one INSERT per value (Cloudforet's way). */
  baselineSeconds?: number;
  values: number;
}

export interface MetricsBenchReport {
  n: number;
  seed: SeedReading;
  metrics: number;
  /** Job finished → every metric computed by the after-job run (the inventory's own timestamps). */
  afterJobSeconds: number;
  /** Each round: every metric run one after the other. */
  roundSeconds: number[];
  baselineSeconds?: number;
  timings: MetricTiming[];
  /** Time series analyze (30 days, by region) over the data. */
  analyzeMs: number;
  problems: string[];
}

/** A date no run of the inventory writes (the baseline's values go there, then are removed). */
const BASELINE_DATE = '1999-01-01';

async function metricRows(db: Client): Promise<(MetricDefinition & Json)[]> {
  return (
    await db.query(
      `SELECT metric_id, domain_id, workspace_id, resource_group, metric_type, resource_type, query_options, date_field, unit, namespace_id
         FROM metric WHERE domain_id = $1 ORDER BY metric_id`,
      [QUERY_BENCH_DOMAIN],
    )
  ).rows;
}

/**
 * The baseline: what a run costs done as Cloudforet's run_metric_query does it (the analyze's
 * groups read into the application, then one insert per group), on the same compiled query.
 */
async function baselineRun(db: Client, metric: MetricDefinition): Promise<{ seconds: number; values: number }> {
  const started = process.hrtime.bigint();
  const compiled = compileMetricQuery(metric, BASELINE_DATE);
  const { results } = await runAnalyze({ query: async (text, values) => (await db.query(text, values as unknown[])).rows }, compiled);
  for (const row of results as Json[]) {
    const { value, __workspace_id, __project_id, __service_account_id, ...labels } = row;
    await db.query(
      `INSERT INTO metric_data (metric_id, value, unit, labels, domain_id, workspace_id, project_id, service_account_id, namespace_id, created_year, created_month, created_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '1999', '1999-01', $10)`,
      [metric.metric_id, Number(value ?? 0), metric.unit, labels, metric.domain_id, __workspace_id ?? '', __project_id ?? '', __service_account_id ?? '', metric.namespace_id, BASELINE_DATE],
    );
  }
  const seconds = secondsSince(started);
  await db.query(`DELETE FROM metric_data WHERE created_date = $1`, [BASELINE_DATE]);
  return { seconds, values: results.length };
}

async function waitForAfterJobRun(db: Client, metrics: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(`SELECT count(DISTINCT metric_id)::int AS n FROM metric_data WHERE domain_id = $1`, [QUERY_BENCH_DOMAIN]);
    if (rows[0].n >= metrics) return;
    if (Date.now() > deadline) throw new Error(`the after-job run computed ${rows[0].n} of ${metrics} metrics in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function benchOne(env: BenchEnvironment, inventory: InventoryInstance, db: Client, n: number, options: MetricsBenchOptions): Promise<MetricsBenchReport> {
  const { seed, problems } = await seedCloudServices(env, inventory, db, n, options);
  const grpc = inventory.grpc;

  // the plugin's namespaces and metrics (two per type of the mix), sent by one more small collect
  env.log('metrics: a collect that sends the namespaces and metrics of the mix');
  const secretId = await createSecret(grpc, '499999999999');
  const collectorId = await createCollector(grpc, 'metrics bench', { count: 1, seed: 999, include_types: false, mix: QUERY_BENCH_MIX, namespaces: true, metrics: true }, [secretId]);
  const run = await collectAndWait(grpc, collectorId, options.timeoutMs);
  const sent = QUERY_BENCH_MIX.length * 3;
  problems.push(...counterProblems(run, { created: 1 + sent, updated: 0, tasks: 1 }));
  const plugin = await metricRows(db);
  await waitForAfterJobRun(db, plugin.length, options.timeoutMs);
  const computed = (await db.query(`SELECT max(computed_at) AS last FROM metric_data WHERE domain_id = $1`, [QUERY_BENCH_DOMAIN])).rows[0].last as Date;
  const afterJobSeconds = (computed.getTime() - Date.parse(run.job['finished_at'])) / 1000;
  env.log(`metrics: ${plugin.length} metrics computed by the after-job run in ${formatSeconds(afterJobSeconds)} s`);

  // one user-defined metric over every cloud service: instances per region and type
  await grpc.call('Namespace', 'create', { namespace_id: 'ns-bench', name: 'Bench', category: 'ASSET', resource_type: 'inventory.CloudService', resource_group: 'DOMAIN' });
  await grpc.call('Metric', 'create', {
    metric_id: 'metric-bench-by-region',
    name: 'Resources by region and type',
    metric_type: 'GAUGE',
    namespace_id: 'ns-bench',
    resource_group: 'DOMAIN',
    query_options: { group_by: [{ key: 'region_code', name: 'Region' }, 'cloud_service_type'], fields: { value: { operator: 'count' } } },
  });
  const metrics = await metricRows(db);

  const timings: MetricTiming[] = metrics.map((metric) => ({ metricId: metric.metric_id, runSeconds: [], values: 0 }));
  const roundSeconds: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    env.log(`metrics: round ${round}/${options.rounds}: Metric.run of ${metrics.length} metrics, one after the other`);
    const roundStarted = process.hrtime.bigint();
    for (const timing of timings) {
      const started = process.hrtime.bigint();
      await grpc.call('Metric', 'run', { metric_id: timing.metricId });
      timing.runSeconds.push(secondsSince(started));
    }
    roundSeconds.push(secondsSince(roundStarted));
  }
  const today = new Date().toISOString().slice(0, 10);
  const counts = await db.query(`SELECT metric_id, count(*)::int AS values, sum(value)::float8 AS total FROM metric_data WHERE domain_id = $1 AND created_date = $2 GROUP BY metric_id`, [
    QUERY_BENCH_DOMAIN,
    today,
  ]);
  const byMetric = new Map(counts.rows.map((row) => [row.metric_id as string, row as Json]));
  for (const timing of timings) timing.values = Number(byMetric.get(timing.metricId)?.['values'] ?? 0);
  // every cloud service is of one type of the mix: the per-type counts add up to all of them, as does the all-resources metric
  const live = n + 1;
  const perType = metrics.filter((m) => m.metric_id.endsWith('-count')).reduce((sum, m) => sum + Number(byMetric.get(m.metric_id)?.['total'] ?? 0), 0);
  if (perType !== live) problems.push(`the per-type count metrics add up to ${formatInt(perType)}, expected ${formatInt(live)}`);
  const all = Number(byMetric.get('metric-bench-by-region')?.['total'] ?? 0);
  if (all !== live) problems.push(`metric-bench-by-region adds up to ${formatInt(all)}, expected ${formatInt(live)}`);

  let baselineSeconds: number | undefined;
  if (options.baseline) {
    env.log(`metrics: baseline: the same ${metrics.length} queries read into the bench, one INSERT per value`);
    baselineSeconds = 0;
    for (const [index, metric] of metrics.entries()) {
      const baseline = await baselineRun(db, metric);
      timings[index].baselineSeconds = baseline.seconds;
      baselineSeconds += baseline.seconds;
      if (baseline.values !== timings[index].values) problems.push(`${metric.metric_id}: baseline wrote ${baseline.values} values, the inventory ${timings[index].values}`);
    }
  }

  const start = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const analyzeStarted = process.hrtime.bigint();
  const analyzed = (await grpc.call('MetricData', 'analyze', {
    metric_id: 'metric-bench-by-region',
    query: { granularity: 'DAILY', start, end: today, group_by: ['labels.Region'], fields: { count: { key: 'value', operator: 'sum' } } },
  })) as Json;
  const analyzeMs = secondsSince(analyzeStarted) * 1000;
  const analyzedTotal = (analyzed['results'] as Json[]).reduce((sum, row) => sum + Number(row['count']), 0);
  if (analyzedTotal !== live) problems.push(`MetricData.analyze over 30 days sums to ${formatInt(analyzedTotal)}, expected ${formatInt(live)} (one day of values)`);

  return { n, seed, metrics: metrics.length, afterJobSeconds, roundSeconds, baselineSeconds, timings, analyzeMs, problems };
}

export async function runMetricsBench(env: BenchEnvironment, options: MetricsBenchOptions): Promise<MetricsBenchReport[]> {
  const reports: MetricsBenchReport[] = [];
  for (const n of options.sizes) {
    const databaseUrl = await env.createDatabase(`metrics_${n}`);
    const inventory = await env.startInventory(databaseUrl);
    let db: Client | undefined;
    try {
      reports.push(
        await inventory.explain(async () => {
          db = await connect(databaseUrl);
          return benchOne(env, inventory, db, n, options);
        }),
      );
    } finally {
      await db?.end().catch(() => undefined);
      await inventory.stop();
      await env.dropDatabase(databaseUrl);
    }
  }
  return reports;
}

export function metricsFailed(reports: MetricsBenchReport[]): boolean {
  return reports.some((report) => report.problems.length > 0);
}

export function formatMetricsReport(reports: MetricsBenchReport[]): string {
  const summary = markdownTable(
    ['cloud services', 'metrics', 'after the job (all metrics)', 'Metric.run of all, per round (median)', 'slowest metric (median)', 'baseline: rows read + 1 INSERT each (all)', 'analyze 30 days', 'checks'],
    reports.map((report) => {
      const slowest = Math.max(...report.timings.map((timing) => percentile(timing.runSeconds, 50)));
      return [
        formatInt(report.n),
        String(report.metrics),
        `${formatSeconds(report.afterJobSeconds)} s`,
        `${formatSeconds(percentile(report.roundSeconds, 50))} s`,
        `${formatSeconds(slowest)} s`,
        report.baselineSeconds === undefined ? '—' : `${formatSeconds(report.baselineSeconds)} s`,
        `${report.analyzeMs.toFixed(0)} ms`,
        report.problems.length === 0 ? 'exact' : report.problems.join('; '),
      ];
    }),
  );
  const perMetric = reports.map((report) =>
    markdownTable(
      ['metric', 'values', 'Metric.run (median)', 'baseline'],
      report.timings.map((timing) => [
        timing.metricId,
        formatInt(timing.values),
        `${formatSeconds(percentile(timing.runSeconds, 50))} s`,
        timing.baselineSeconds === undefined ? '—' : `${formatSeconds(timing.baselineSeconds)} s`,
      ]),
    ),
  );
  return [
    '## bench:metrics — every metric computed over the cloud services (one INSERT … SELECT per metric and day)',
    '',
    summary,
    '',
    ...reports.flatMap((report, index) => [`### per metric, ${formatInt(report.n)} cloud services`, '', perMetric[index], '']),
  ].join('\n');
}
