/**
 * npm run bench:recollect — the same N resources collected again unchanged, and again with 1 in
 * BENCH_CHANGE_EVERY changed, against the first collect: resources/s and what was written.
 *
 *   BENCH_N=10000,100000,1000000 (default)   BENCH_CHANGE_EVERY=10   BENCH_TIMEOUT_SECONDS=7200
 */
import { benchMain } from '../src/bench-main';
import { DEFAULT_SIZES } from '../src/bench-settings';
import { formatRecollectReport, recollectFailed, runRecollectBench } from '../src/recollect.bench';

benchMain('bench:recollect', async (env, settings) => {
  const changeEvery = settings.int('BENCH_CHANGE_EVERY', 10, 1);
  const rows = await runRecollectBench(env, {
    sizes: settings.intList('BENCH_N', DEFAULT_SIZES),
    changeEvery,
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
  });
  return { output: formatRecollectReport(rows, changeEvery), failed: recollectFailed(rows) };
});
