/**
 * npm run bench:recollect — the same N resources collected again unchanged, and again with 1 in
 * BENCH_CHANGE_EVERY changed (BENCH_ROUNDS times, the version bumped each time), against the first
 * collect: resources/s and what was written; with the change history off and on (CHANGE_HISTORY),
 * two inventories side by side, each collect run on one and then on the other.
 *
 *   BENCH_N=100000 (default: a few minutes)   BENCH_CHANGE_EVERY=10   BENCH_ROUNDS=3
 *   BENCH_TIMEOUT_SECONDS=7200
 */
import { benchMain } from '../src/bench-main';
import { formatRecollectReport, recollectFailed, runRecollectBench } from '../src/recollect.bench';

benchMain('bench:recollect', async (env, settings) => {
  const changeEvery = settings.int('BENCH_CHANGE_EVERY', 10, 1);
  const rows = await runRecollectBench(env, {
    sizes: settings.intList('BENCH_N', [100_000]),
    changeEvery,
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
    rounds: settings.int('BENCH_ROUNDS', 3, 1),
  });
  return { output: formatRecollectReport(rows, changeEvery), failed: recollectFailed(rows) };
});
