/**
 * npm run bench:recollect — the same N resources collected again unchanged, and again with 1 in
 * BENCH_CHANGE_EVERY changed, against the first collect: resources/s and what was written; each
 * with the change history off and on (CHANGE_HISTORY), back to back, BENCH_ROUNDS times.
 *
 *   BENCH_N=10000,100000,1000000 (default)   BENCH_CHANGE_EVERY=10   BENCH_TIMEOUT_SECONDS=7200
 *   BENCH_HISTORY=off,on (default; or one of them)   BENCH_ROUNDS=1
 */
import { benchMain } from '../src/bench-main';
import { DEFAULT_SIZES } from '../src/bench-settings';
import { formatRecollectReport, HistorySwitch, recollectFailed, runRecollectBench } from '../src/recollect.bench';

benchMain('bench:recollect', async (env, settings) => {
  const changeEvery = settings.int('BENCH_CHANGE_EVERY', 10, 1);
  const history = settings.string('BENCH_HISTORY', 'off,on').split(',').map((value) => value.trim());
  if (history.length === 0 || history.some((value) => value !== 'on' && value !== 'off')) throw new Error('BENCH_HISTORY must be a list of on and off');
  const rows = await runRecollectBench(env, {
    sizes: settings.intList('BENCH_N', DEFAULT_SIZES),
    changeEvery,
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
    history: history as HistorySwitch[],
    rounds: settings.int('BENCH_ROUNDS', 1, 1),
  });
  return { output: formatRecollectReport(rows, changeEvery), failed: recollectFailed(rows) };
});
