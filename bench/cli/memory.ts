/**
 * npm run bench:memory — peak RSS of the inventory process for collects of N resources in one
 * task (one process, the peak reset between runs), and whether it stays flat: a peak that is not
 * flat (see memoryVerdict) or a wrong counter prints FAIL and exits 1.
 *
 *   BENCH_N=10000,100000,1000000 (default)   BENCH_FLAT_RATIO=1.5   BENCH_TIMEOUT_SECONDS=7200
 */
import { benchMain } from '../src/bench-main';
import { DEFAULT_SIZES } from '../src/bench-settings';
import { formatMemoryReport, memoryFailed, runMemoryBench } from '../src/memory.bench';

benchMain('bench:memory', async (env, settings) => {
  const sizes = settings.intList('BENCH_N', DEFAULT_SIZES);
  if (sizes.length < 2) throw new Error(`BENCH_N must list at least two sizes to judge growth (got ${sizes.join(',')}).`);
  const report = await runMemoryBench(env, {
    sizes,
    flatRatio: settings.number('BENCH_FLAT_RATIO', 1.5, 1),
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
  });
  return { output: formatMemoryReport(report), failed: memoryFailed(report) };
});
