/**
 * npm run bench:query — list (filter + sort + page, and a tags/data filter) and stat (group by
 * two keys) latency p50/p95/p99 over N cloud services seeded through the collect path, over HTTP
 * and gRPC, beside the same compiled SQL run directly on PostgreSQL with and without indexes.
 *
 *   BENCH_N=1000000        cloud services (default 1M; a list runs each size on a fresh database)
 *   BENCH_COLLECTORS=10    collectors / accounts the N are spread over, collected at once
 *   BENCH_REPEAT=50        measured requests per query and path    BENCH_WARMUP=5   unmeasured first rounds
 *   BENCH_NOINDEX_REPEAT=10  measured runs without index scans      BENCH_SHOW_SQL=false  print the compiled SQL
 *   BENCH_TIMEOUT_SECONDS=7200  for the seeding collects            (or as arguments: npm run bench:query -- --n=50000)
 *   BENCH_KEEP=true        keep the seeded database (with BENCH_POSTGRES_URL, a server that outlives the run)
 *   BENCH_QUERY_DATABASE=query_1000000_ab12cd34  measure on that kept database instead of seeding a new one
 */
import { benchMain } from '../src/bench-main';
import { formatQueryReport, queryFailed, runQueryBench } from '../src/query.bench';

benchMain('bench:query', async (env, settings) => {
  const showSql = settings.bool('BENCH_SHOW_SQL', false);
  const reports = await runQueryBench(env, {
    sizes: settings.intList('BENCH_N', [1_000_000]),
    collectors: settings.int('BENCH_COLLECTORS', 10, 1),
    repeat: settings.int('BENCH_REPEAT', 50, 1),
    warmup: settings.int('BENCH_WARMUP', 5, 0),
    noIndexRepeat: settings.int('BENCH_NOINDEX_REPEAT', 10, 1),
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 7200, 1) * 1000,
    showSql,
    reuseDatabase: settings.string('BENCH_QUERY_DATABASE', '') || undefined,
    keepDatabase: settings.bool('BENCH_KEEP', false),
  });
  return { output: formatQueryReport(reports, showSql), failed: queryFailed(reports) };
});
