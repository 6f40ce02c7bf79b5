/**
 * npm run bench:metrics — every metric computed over N cloud services seeded through the collect
 * path (the query bench's seeding): the plugin's metrics (two per type of the mix, sent by a
 * collect) and one user-defined metric over all cloud services; the after-job run, Metric.run of
 * each (one INSERT … SELECT per metric and day) BENCH_ROUNDS times, beside the baseline of
 * Cloudforet's way (the groups read into the application, one INSERT per value), and a 30-day
 * MetricData.analyze. Checks that the per-type counts add up to N.
 *
 *   BENCH_N=1000000   BENCH_COLLECTORS=10   BENCH_ROUNDS=3   BENCH_BASELINE=true
 *   BENCH_TIMEOUT_SECONDS=7200                (or as arguments: npm run bench:metrics -- --n=100000)
 */
import { benchMain } from '../src/bench-main';
import { formatMetricsReport, metricsFailed, runMetricsBench } from '../src/metrics.bench';

benchMain('bench:metrics', async (env, settings) => {
  const reports = await runMetricsBench(env, {
    sizes: settings.intList('BENCH_N', [1_000_000]),
    collectors: settings.int('BENCH_COLLECTORS', 10, 1),
    rounds: settings.int('BENCH_ROUNDS', 3, 1),
    baseline: settings.bool('BENCH_BASELINE', true),
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
  });
  return { output: formatMetricsReport(reports), failed: metricsFailed(reports) };
});
