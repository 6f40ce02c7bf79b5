import { collectParts, createDataSource, createJob, loadInventoryConfig, runMigrationsLocked } from '@cloud-inventory/inventory';
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
  /** (b) tasks of each of those jobs, 1 resource each (default 100). */
  tasksPerJob: number;
  /** (c) tasks of one job ended by the inventory's own ending code alone, and by the baseline (default 10,000; 0: skip). */
  endings: number;
  /** (c) endings in flight at once (default 8: two replicas' worth of 4 worker slots). */
  endingConcurrency: number;
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
  /** Per job: job created_at → its first task's started_at (ms): how soon a job is served at all. */
  firstStartP50: number;
  firstStartP99: number;
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
  const firstStarts = runs.filter((run) => run.startLatenciesMs.length > 0).map((run) => Math.min(...run.startLatenciesMs));
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
    firstStartP50: percentile(firstStarts, 50),
    firstStartP99: percentile(firstStarts, 99),
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

/** (b) Many jobs at once: `jobs` collectors with one secret each, `tasksPerJob` tasks of 1 resource per job, all collected together. */
async function manyJobs(env: BenchEnvironment, grpc: InventoryGrpcClient, options: FanoutBenchOptions): Promise<FanoutRow> {
  const perJob = options.tasksPerJob;
  const collectorIds = await mapLimited(Array.from({ length: options.jobs }), 8, async (_, i) => {
    const secretId = await createSecret(grpc, String(300_000_000_000 + i));
    return createCollector(grpc, `fan-out job ${i}`, { count: perJob, tasks: perJob, include_types: false }, [secretId]);
  });
  env.log(`fan-out: ${options.jobs} jobs at once, ${perJob} tasks of 1 resource each`);
  const calledAt = Date.now();
  const jobIds = await Promise.all(collectorIds.map((id) => startCollect(grpc, id)));
  const jobs = await waitForJobs(grpc, jobIds, options.timeoutMs);
  const runs = await mapLimited(jobs, 8, (job) => summariseJob(grpc, job));
  return rowOf(`(b) ${formatInt(options.jobs)} jobs at once × ${formatInt(perJob)} tasks of 1 resource`, runs, { created: perJob, tasks: perJob }, calledAt);
}

export interface EndingsRow {
  way: string;
  endings: number;
  concurrency: number;
  seconds: number;
  endingsPerSecond: number;
  problems: string[];
}

/**
 * Before issue 11 (505ce4d's TaskStateRepository.end): the job's row locked by every ending, the
 * task ended and counted on the job in one statement, which also counted the secret's unfinished
 * tasks (for the disconnection). Kept here, verbatim but for the error columns, as the baseline.
 */
const ENDING_UNDER_JOB_LOCK = `
WITH ended AS (
  UPDATE job_task SET status = $2, finished_at = now(), updated_at = now()
   WHERE job_task_id = $1 AND status IN ('PENDING', 'IN_PROGRESS')
     AND EXISTS (SELECT 1 FROM task_queue q WHERE q.job_task_id = $1 AND q.lease_owner = $3)
   RETURNING *
),
counted AS (
  UPDATE job j SET
      remained_tasks = j.remained_tasks - 1,
      success_tasks = j.success_tasks + CASE WHEN e.status = 'SUCCESS' THEN 1 ELSE 0 END,
      failure_tasks = j.failure_tasks + CASE WHEN e.status = 'SUCCESS' THEN 0 ELSE 1 END,
      status = CASE WHEN j.status <> 'IN_PROGRESS' OR j.remained_tasks > 1 THEN j.status
                    WHEN j.failure_tasks + CASE WHEN e.status = 'SUCCESS' THEN 0 ELSE 1 END > 0 THEN 'FAILURE'
                    ELSE 'SUCCESS' END,
      finished_at = CASE WHEN j.remained_tasks = 1 AND j.finished_at IS NULL THEN now() ELSE j.finished_at END,
      updated_at = now()
    FROM ended e
   WHERE j.job_id = e.job_id
   RETURNING j.*
),
dequeued AS (
  DELETE FROM task_queue WHERE job_task_id = $1 AND EXISTS (SELECT 1 FROM ended)
)
SELECT (SELECT count(*) FROM job_task s
         WHERE s.job_id = e.job_id AND s.secret_id = e.secret_id
           AND s.job_task_id <> e.job_task_id AND s.status <> 'SUCCESS')::int AS unfinished_siblings
  FROM ended e, counted c`;

/** Seconds to end one job's tasks, `concurrency` at a time; slot i uses pool i mod pools (4 slots a pool, as a worker's). */
async function timeEndings(taskIds: string[], concurrency: number, end: (slot: number, taskId: string) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, slot) => {
      while (next < taskIds.length) await end(slot, taskIds[next++]);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * (c) Endings alone: one job of `endings` claimed tasks (10 secrets), ended `endingConcurrency` at a
 * time by the inventory's own TaskEnding (end + fold, as the app wires it, with the disconnection of
 * each completed secret), then, on a second such job of the same database, by the baseline above.
 * No plugin, no ingest: the rate of the ending path itself, which is what a job's row lock limits.
 */
async function endingsAlone(env: BenchEnvironment, options: FanoutBenchOptions): Promise<EndingsRow[]> {
  const databaseUrl = await env.createDatabase('endings');
  const poolCount = Math.ceil(options.endingConcurrency / 4);
  const pools = Array.from({ length: poolCount }, (_, i) => createDataSource({ url: databaseUrl, poolSize: 4, applicationName: `bench-endings-${i}` }));
  try {
    await Promise.all(pools.map((pool) => pool.initialize()));
    await runMigrationsLocked(pools[0]);
    const config = loadInventoryConfig({});
    const parts = pools.map((pool) => collectParts(pool, config));
    const secrets = Array.from({ length: 10 }, (_, i) => `secret-endings-${i}`);
    const newJob = () => createJob(pools[0], { count: options.endings, leaseOwner: 'bench-worker', secrets, collectorId: 'collector-endings' });

    const rows: EndingsRow[] = [];
    const check = async (way: string, jobId: string, seconds: number) => {
      const [job] = await pools[0].query(
        `SELECT status, remained_tasks, success_tasks, failure_tasks,
                (SELECT count(*)::int FROM job_task WHERE job_id = $1 AND status = 'SUCCESS') AS tasks_succeeded,
                (SELECT count(*)::int FROM job_task_ending WHERE job_id = $1) AS unfolded
           FROM job WHERE job_id = $1`,
        [jobId],
      );
      const problems: string[] = [];
      const expected = { status: 'SUCCESS', remained_tasks: 0, success_tasks: options.endings, failure_tasks: 0, tasks_succeeded: options.endings, unfolded: 0 };
      for (const [key, value] of Object.entries(expected)) if (job[key] !== value) problems.push(`${key} ${job[key]}, expected ${value}`);
      rows.push({ way, endings: options.endings, concurrency: options.endingConcurrency, seconds, endingsPerSecond: options.endings / seconds, problems });
    };

    env.log(`endings alone: ${options.endings} tasks of one job, ${options.endingConcurrency} at a time`);
    const folded = await newJob();
    const foldedSeconds = await timeEndings(folded.tasks.map((t) => t.job_task_id), options.endingConcurrency, (slot, id) =>
      parts[slot % pools.length].ending.finish(id, { status: 'SUCCESS', leaseOwner: 'bench-worker' }),
    );
    await check('recorded and folded (the inventory\'s TaskEnding)', folded.jobId, foldedSeconds);

    const locked = await newJob();
    const lockedSeconds = await timeEndings(locked.tasks.map((t) => t.job_task_id), options.endingConcurrency, (slot, id) =>
      pools[slot % pools.length].transaction(async (manager) => {
        await manager.query(`SELECT j.job_id FROM job j JOIN job_task t ON t.job_id = j.job_id WHERE t.job_task_id = $1 FOR UPDATE OF j`, [id]);
        await manager.query(ENDING_UNDER_JOB_LOCK, [id, 'SUCCESS', 'bench-worker']);
      }),
    );
    await check('baseline: job row locked per ending (before issue 11)', locked.jobId, lockedSeconds);
    return rows;
  } finally {
    await Promise.all(pools.map((pool) => (pool.isInitialized ? pool.destroy() : undefined)));
    await env.dropDatabase(databaseUrl);
  }
}

export interface FanoutResult {
  rows: FanoutRow[];
  endings: EndingsRow[];
}

/** (a) and (b) on one fresh database and inventory; (c) on a database of its own, without the inventory. */
export async function runFanoutBench(env: BenchEnvironment, options: FanoutBenchOptions): Promise<FanoutResult> {
  const databaseUrl = await env.createDatabase('fanout');
  const inventory = await env.startInventory(databaseUrl);
  const rows: FanoutRow[] = [];
  try {
    await inventory.explain(async () => {
      if (options.tasks > 0) rows.push(await manyTasks(env, inventory.grpc, options));
      if (options.jobs > 0) rows.push(await manyJobs(env, inventory.grpc, options));
    });
  } finally {
    await inventory.stop();
    await env.dropDatabase(databaseUrl);
  }
  const endings = options.endings > 0 ? await endingsAlone(env, options) : [];
  return { rows, endings };
}

export function formatFanoutReport(result: FanoutResult): string {
  const { rows, endings } = result;
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
      'job created → task started p50 / p99 ms',
      'job created → its first task started p50 / p99 ms',
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
      `${formatInt(row.firstStartP50)} / ${formatInt(row.firstStartP99)}`,
      `${formatInt(row.callLatencyP50)} / ${formatInt(row.callLatencyP99)}`,
      row.problems.length === 0 ? 'PASS' : 'FAIL',
    ]),
  );
  const endingsTable = markdownTable(
    ['(c) endings alone: one job of', 'way', 'in flight', 'time s', 'endings/s', 'vs baseline', 'counters'],
    endings.map((row) => [
      `${formatInt(row.endings)} tasks`,
      row.way,
      formatInt(row.concurrency),
      formatSeconds(row.seconds),
      formatInt(row.endingsPerSecond),
      `${(row.endingsPerSecond / (endings[endings.length - 1]?.endingsPerSecond || 1)).toFixed(1)}×`,
      row.problems.length === 0 ? 'PASS' : 'FAIL',
    ]),
  );
  const failures = [...rows.map((row) => ({ name: row.scenario, problems: row.problems })), ...endings.map((row) => ({ name: `(c) ${row.way}`, problems: row.problems }))]
    .filter((row) => row.problems.length > 0)
    .map((row) => `- FAIL ${row.name}: ${row.problems.slice(0, 10).join('; ')}`);
  return [
    'Fan-out: one job of many tiny tasks, many jobs at once',
    '',
    table,
    '',
    'time: first job created_at → last job finished_at; from call: the first Collector.collect call → last job finished_at.',
    'task endings/s: tasks ended (each counted on its job) per second of that time.',
    'collect → first plugin call latency, per task: until its started_at, set when a worker has claimed the task, just before it calls the plugin\'s collect;',
    'measured from the job\'s created_at (the queue alone) and from the Collector.collect call (plus get_tasks and the job\'s creation). Per task it is mostly',
    'queueing behind the other tasks (the workers take them in turn); per job, its first task: how soon a job is served at all (claims take turns across collectors).',
    ...(endings.length > 0
      ? [
          '',
          endingsTable,
          '',
          '(c): the tasks already claimed, no plugin and no ingest: the ending path alone (end + fold, with the disconnection of each completed secret), from pools of 4',
          'connections; the baseline ends each task under its job\'s row lock, as before issue 11, on a second job of the same database, right after.',
        ]
      : []),
    ...failures,
    '',
    failures.length === 0 ? 'PASS: every counter is exact' : 'FAIL: see above',
  ].join('\n');
}

export function fanoutFailed(result: FanoutResult): boolean {
  return [...result.rows, ...result.endings].some((row) => row.problems.length > 0);
}
