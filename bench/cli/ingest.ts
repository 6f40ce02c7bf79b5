/**
 * npm run bench:ingest — one collect of N resources in one task, end to end, beside the bare
 * grpc-js stream of the same messages (the ceiling), the plugin as a source, and a naive ORM ingest.
 *
 *   BENCH_N=10000,100000,1000000   sizes (default)        BENCH_NAIVE_N=5000        naive baseline size
 *   BENCH_JSON_DATA=true           also json_data rows     BENCH_RECORD_FRAMES=10000 bounded replay set
 *   BENCH_TIMEOUT_SECONDS=7200     per collect             (or as arguments: npm run bench:ingest -- --n=20000)
 */
import { benchMain } from '../src/bench-main';
import { DEFAULT_SIZES } from '../src/bench-settings';
import { formatIngestReport, ingestFailed, runIngestBench } from '../src/ingest.bench';

benchMain('bench:ingest', async (env, settings) => {
  const report = await runIngestBench(env, {
    sizes: settings.intList('BENCH_N', DEFAULT_SIZES),
    naiveN: settings.int('BENCH_NAIVE_N', 5000, 1),
    jsonData: settings.bool('BENCH_JSON_DATA', true),
    recordFrames: settings.int('BENCH_RECORD_FRAMES', 10_000, 1),
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
  });
  return { output: formatIngestReport(report), failed: ingestFailed(report) };
});
