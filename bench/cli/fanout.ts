/**
 * npm run bench:fanout — (a) one job of many tiny tasks, (b) many jobs of many tasks at once: time to
 * finish, exact counters (PASS/FAIL, exit 1 on FAIL), collect → plugin call latency p50/p99; (c) the
 * task-ending path alone against the job-row-lock baseline.
 *
 *   BENCH_TASKS=10000   BENCH_TASKS_PER_SECRET=1000 (the synthetic plugin's get_tasks limit)
 *   BENCH_JOBS=100      BENCH_JOB_TASKS=100         BENCH_TIMEOUT_SECONDS=3600
 *   BENCH_ENDINGS=10000 BENCH_ENDING_CONCURRENCY=8
 */
import { benchMain } from '../src/bench-main';
import { fanoutFailed, formatFanoutReport, runFanoutBench } from '../src/fanout.bench';

benchMain('bench:fanout', async (env, settings) => {
  const result = await runFanoutBench(env, {
    tasks: settings.int('BENCH_TASKS', 10_000, 0),
    tasksPerSecret: settings.int('BENCH_TASKS_PER_SECRET', 1000, 1),
    jobs: settings.int('BENCH_JOBS', 100, 0),
    tasksPerJob: settings.int('BENCH_JOB_TASKS', 100, 1),
    endings: settings.int('BENCH_ENDINGS', 10_000, 0),
    endingConcurrency: settings.int('BENCH_ENDING_CONCURRENCY', 8, 1),
    timeoutMs: settings.int('BENCH_TIMEOUT_SECONDS', 3600, 1) * 1000,
  });
  return { output: formatFanoutReport(result), failed: fanoutFailed(result) };
});
