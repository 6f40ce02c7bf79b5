import type { InventoryGrpcClient } from '@cloud-inventory/testing';
import { BenchEnvironment } from './bench-environment';
import { counterProblems, createCollector, createSecret, JobRun, startCollect, summariseJob, waitForJobs } from './collect-runs';
import { formatInt, formatSeconds, markdownTable, percentile, ratePerSecond } from './figures';

export interface FanoutBenchOptions {
  /** (a) tasks of the one job, 1 resource each (default 10,000). */
  tasks: number;
  /**
   * The most tasks the plugin's get_tasks makes for one secret (the synthetic plugin's `tasks`
   * option stops at 1000): more tasks than that are spread over several secrets of the collector.
   */
  tasksPerSecret: number;
  /** (b) jobs started at once, one collector and one secret each (default 100). */
  jobs: number;
  /** (b) resources of each of those jobs (default 100). */
  resourcesPerJob: number;
  timeoutMs: number;
}

export interface FanoutRow {
  scenario: string;
  jobs: number;
  tasks: number;
  resources: number;
  /** First job created_at → last job finished_at. */
  seconds: number;
  /** The first Collector.collect call (client clock, same machine) → last job finished_at. */
  secondsFromCall: number;
  created: number;
  successTasks: number;
  totalTasks: number;
  remainedTasks: number;
  /** Job created_at → task started_at of every task (ms). */
  latencyP50: number;
  latencyP99: number;
  /** The Collector.collect call → task started_at of every task (ms): includes the API's own work. */
  callLatencyP50: number;
  callLatencyP99: number;
  problems: string[];
}

/** Runs `fn` over the items, at most `limit` at a time. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

function rowOf(scenario: string, runs: JobRun[], perJob: { created: number; tasks: number }, calledAt: number): FanoutRow {
  const problems = runs.flatMap((run) => counterProblems(run, { created: perJob.created, updated: 0, tasks: perJob.tasks }));
  const expectedResources = perJob.created * runs.length;
  const created = runs.reduce((sum, run) => sum + run.created, 0);
  if (created !== expectedResources) problems.push(`created ${created} in all, expected ${expectedResources}`);
  const start = Math.min(...runs.map((run) => Date.parse(run.job['created_at'])));
  const end = Math.max(...runs.map((run) => Date.parse(run.job['finished_at'])));
  const latencies = runs.flatMap((run) => run.startLatenciesMs);
  const callLatencies = runs.flatMap((run) => run.tasks.filter((task) => task['started_at']).map((task) => Date.parse(task['started_at']) - calledAt));
  const sum = (key: string) => runs.reduce((total, run) => total + Number(run.job[key] ?? 0), 0);
  return {
    scenario,
    jobs: runs.length,
    tasks: sum('total_tasks'),
    resources: expectedResources,
    seconds: (end - start) / 1000,
    secondsFromCall: (end - calledAt) / 1000,
    created,
    successTasks: sum('success_tasks'),
    totalTasks: sum('total_tasks'),
    remainedTasks: sum('remained_tasks'),
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    callLatencyP50: percentile(callLatencies, 50),
    callLatencyP99: percentile(callLatencies, 99),
    problems,
  };
}

/** (a) One job of many tiny tasks: `tasks` tasks of 1 resource each. */
async function manyTasks(env: BenchEnvironment, grpc: InventoryGrpcClient, options: FanoutBenchOptions): Promise<FanoutRow> {
  const secrets = Math.ceil(options.tasks / options.tasksPerSecret);
  const perSecret = Math.ceil(options.tasks / secrets);
  const secretIds = await mapLimited(Array.from({ length: secrets }), 8, (_, i) => createSecret(grpc, String(200_000_000_000 + i)));
  const collectorId = await createCollector(grpc, 'fan-out tasks', { count: perSecret, tasks: perSecret, include_types: false }, secretIds);
  env.log(`fan-out: one job of ${secrets * perSecret} tasks (${secrets} secret(s) × ${perSecret})`);
  const calledAt = Date.now();
  const jobId = await startCollect(grpc, collectorId);
  const [job] = await waitForJobs(grpc, [jobId], options.timeoutMs);
  const run = await summariseJob(grpc, job);
  return rowOf(`(a) 1 job × ${formatInt(secrets * perSecret)} tasks of 1 resource`, [run], { created: secrets * perSecret, tasks: secrets * perSecret }, calledAt);
}

/** (b) Many jobs at once: `jobs` collectors with one secret each, all collected together. */
async function manyJobs(env: BenchEnvironment, grpc: InventoryGrpcClient, options: FanoutBenchOptions): Promise<FanoutRow> {
  const collectorIds = await mapLimited(Array.from({ length: options.jobs }), 8, async (_, i) => {
    const secretId = await createSecret(grpc, String(300_000_000_000 + i));
    return createCollector(grpc, `fan-out job ${i}`, { count: options.resourcesPerJob, include_types: false }, [secretId]);
  });
  env.log(`fan-out: ${options.jobs} jobs at once, ${options.resourcesPerJob} resources each`);
  const calledAt = Date.now();
  const jobIds = await Promise.all(collectorIds.map((id) => startCollect(grpc, id)));
  const jobs = await waitForJobs(grpc, jobIds, options.timeoutMs);
  const runs = await mapLimited(jobs, 8, (job) => summariseJob(grpc, job));
  return rowOf(`(b) ${formatInt(options.jobs)} jobs at once × ${formatInt(options.resourcesPerJob)} resources`, runs, { created: options.resourcesPerJob, tasks: 1 }, calledAt);
}

/** Both fan-out scenarios on one fresh database and inventory. */
export async function runFanoutBench(env: BenchEnvironment, options: FanoutBenchOptions): Promise<FanoutRow[]> {
  const databaseUrl = await env.createDatabase('fanout');
  const inventory = await env.startInventory(databaseUrl);
  try {
    return await inventory.explain(async () => {
      const rows: FanoutRow[] = [];
      if (options.tasks > 0) rows.push(await manyTasks(env, inventory.grpc, options));
      if (options.jobs > 0) rows.push(await manyJobs(env, inventory.grpc, options));
      return rows;
    });
  } finally {
    await inventory.stop();
    await env.dropDatabase(databaseUrl);
  }
}

export function formatFanoutReport(rows: FanoutRow[]): string {
  const table = markdownTable(
    [
      'scenario',
      'time s',
      'from call s',
      'task endings/s',
      'res/s',
      'created (expected)',
      'tasks success / total',
      'remained',
      'job created → started p50 / p99 ms',
      'collect call → started p50 / p99 ms',
      'counters',
    ],
    rows.map((row) => [
      row.scenario,
      formatSeconds(row.seconds),
      formatSeconds(row.secondsFromCall),
      formatInt(ratePerSecond(row.totalTasks, row.seconds)),
      formatInt(ratePerSecond(row.created, row.seconds)),
      `${formatInt(row.created)} (${formatInt(row.resources)})`,
      `${formatInt(row.successTasks)} / ${formatInt(row.totalTasks)}`,
      formatInt(row.remainedTasks),
      `${formatInt(row.latencyP50)} / ${formatInt(row.latencyP99)}`,
      `${formatInt(row.callLatencyP50)} / ${formatInt(row.callLatencyP99)}`,
      row.problems.length === 0 ? 'PASS' : 'FAIL',
    ]),
  );
  const failures = rows.filter((row) => row.problems.length > 0).map((row) => `- FAIL ${row.scenario}: ${row.problems.slice(0, 10).join('; ')}`);
  return [
    'Fan-out: one job of many tiny tasks, many jobs at once',
    '',
    table,
    '',
    'time: first job created_at → last job finished_at; from call: the first Collector.collect call → last job finished_at.',
    'task endings/s: tasks ended (each counted on its job) per second of that time.',
    'collect → first plugin call latency, per task: until its started_at, set when a worker has claimed the task, just before it calls the plugin\'s collect;',
    'measured from the job\'s created_at (the queue alone) and from the Collector.collect call (plus get_tasks and the job\'s creation). For (a) it is mostly queueing behind the other tasks of the job.',
    ...failures,
    '',
    rows.every((row) => row.problems.length === 0) ? 'PASS: every counter is exact' : 'FAIL: see above',
  ].join('\n');
}

export function fanoutFailed(rows: FanoutRow[]): boolean {
  return rows.some((row) => row.problems.length > 0);
}
