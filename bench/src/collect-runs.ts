import type { InventoryGrpcClient } from '@cloud-inventory/testing';
import { JsonRecord as Json } from '@cloud-inventory/testing';


/** The synthetic collector options the benches use (see apps/collector-plugin/README.md). */
export interface SyntheticOptions {
  count: number;
  seed?: number;
  version?: number;
  change_every?: number;
  tasks?: number;
  json_data?: boolean;
  include_types?: boolean;
  resource_bytes?: number;
  mix?: { cloud_service_group: string; cloud_service_type: string; weight?: number }[];
  provider?: string;
  /** One inventory.Namespace and two inventory.Metric per mix entry, at the end of part 0. */
  namespaces?: boolean;
  metrics?: boolean;
  metrics_version?: string;
}

/** A finished job as the API reports it, with its tasks and what they wrote. */
export interface JobRun {
  job: Json;
  tasks: Json[];
  /** Job created_at → finished_at, from the inventory's own timestamps. */
  seconds: number;
  created: number;
  updated: number;
  failures: number;
  disconnected: number;
  /** Per task: job created_at → task started_at, in ms (collect → the worker calls the plugin). */
  startLatenciesMs: number[];
}

const PAGE = 1000;

export async function createSecret(grpc: InventoryGrpcClient, accountId: string, provider = 'synthetic'): Promise<string> {
  const secret = await grpc.call('Secret', 'create', { name: `bench ${accountId}`, provider, data: { account_id: accountId } });
  return secret['secret_id'];
}

/**
 * A synthetic collector. With secret ids, its secret filter names exactly those secrets, so
 * collectors of one database do not pick each other's secrets.
 */
export async function createCollector(grpc: InventoryGrpcClient, name: string, options: SyntheticOptions, secretIds?: string[]): Promise<string> {
  const request: Json = {
    name,
    provider: 'synthetic',
    plugin_info: { plugin_id: 'synthetic', version: '1.0', options },
  };
  if (secretIds) request['secret_filter'] = { state: 'ENABLED', secrets: secretIds };
  const collector = await grpc.call('Collector', 'create', request);
  return collector['collector_id'];
}

export async function updateCollectorOptions(grpc: InventoryGrpcClient, collectorId: string, options: SyntheticOptions): Promise<void> {
  await grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options });
}

/** Starts a collect; answers the job id at once, as the API does. */
export async function startCollect(grpc: InventoryGrpcClient, collectorId: string): Promise<string> {
  const job = await grpc.call('Collector', 'collect', { collector_id: collectorId });
  return job['job_id'];
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every job of the domain (paged), keyed by id. */
async function listJobs(grpc: InventoryGrpcClient): Promise<Map<string, Json>> {
  const jobs = new Map<string, Json>();
  for (let start = 1; ; start += PAGE) {
    const page = await grpc.call<{ results: Json[]; total_count: number }>('Job', 'list', { query: { page: { start, limit: PAGE } } });
    for (const job of page.results) jobs.set(job['job_id'], job);
    if (page.results.length < PAGE || start + PAGE > page.total_count) return jobs;
  }
}

/** Every task of a job (paged: the API returns at most 1000 a call). */
export async function listTasks(grpc: InventoryGrpcClient, jobId: string): Promise<Json[]> {
  const tasks: Json[] = [];
  for (let start = 1; ; start += PAGE) {
    const page = await grpc.call<{ results: Json[]; total_count: number }>('JobTask', 'list', {
      job_id: jobId,
      query: { page: { start, limit: PAGE }, sort: [{ key: 'job_task_id' }] },
    });
    tasks.push(...page.results);
    if (page.results.length < PAGE || tasks.length >= page.total_count) return tasks;
  }
}

/** Polls until none of the jobs is IN_PROGRESS (every 100 ms for one job, 250 ms for many). */
export async function waitForJobs(grpc: InventoryGrpcClient, jobIds: string[], timeoutMs: number): Promise<Json[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let done: Json[];
    if (jobIds.length === 1) {
      done = [await grpc.call('Job', 'get', { job_id: jobIds[0] })];
    } else {
      const all = await listJobs(grpc);
      done = jobIds.map((id) => all.get(id) ?? { job_id: id, status: 'IN_PROGRESS' });
    }
    if (done.every((job) => job['status'] !== 'IN_PROGRESS')) return done;
    if (Date.now() > deadline) {
      const running = done.filter((job) => job['status'] === 'IN_PROGRESS').map((job) => job['job_id']);
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${running.length} job(s) to end: ${running.slice(0, 5).join(', ')}`);
    }
    await sleep(jobIds.length === 1 ? 100 : 250);
  }
}

function millis(iso: string, what: string): number {
  const value = Date.parse(iso);
  if (!iso || Number.isNaN(value)) throw new Error(`${what} has no usable timestamp ("${iso}")`);
  return value;
}

/** Reads a finished job's tasks and sums what they wrote. */
export async function summariseJob(grpc: InventoryGrpcClient, job: Json): Promise<JobRun> {
  const tasks = await listTasks(grpc, job['job_id']);
  const created = millis(job['created_at'], `job ${job['job_id']} created_at`);
  const finished = millis(job['finished_at'], `job ${job['job_id']} finished_at`);
  const sum = (key: string) => tasks.reduce((total, task) => total + Number(task[key] ?? 0), 0);
  return {
    job,
    tasks,
    seconds: (finished - created) / 1000,
    created: sum('created_count'),
    updated: sum('updated_count'),
    failures: sum('failure_count'),
    disconnected: sum('disconnected_count'),
    startLatenciesMs: tasks.filter((task) => task['started_at']).map((task) => millis(task['started_at'], 'task started_at') - created),
  };
}

/** One collect, waited for and summarised. */
export async function collectAndWait(grpc: InventoryGrpcClient, collectorId: string, timeoutMs: number): Promise<JobRun> {
  const jobId = await startCollect(grpc, collectorId);
  const [job] = await waitForJobs(grpc, [jobId], timeoutMs);
  return summariseJob(grpc, job);
}

/** What is wrong with a job's counters, or [] when they are exact. */
export function counterProblems(run: JobRun, expected: { created: number; updated: number; tasks?: number }): string[] {
  const problems: string[] = [];
  const job = run.job;
  const label = `job ${job['job_id']}`;
  if (job['status'] !== 'SUCCESS') {
    const firstError = run.tasks.flatMap((task) => task['errors'] ?? [])[0];
    problems.push(`${label} ended ${job['status']}${firstError ? ` (${firstError.error_code}: ${firstError.message})` : ''}`);
  }
  if (expected.tasks !== undefined && job['total_tasks'] !== expected.tasks) problems.push(`${label}: total_tasks ${job['total_tasks']}, expected ${expected.tasks}`);
  if (job['success_tasks'] !== job['total_tasks']) problems.push(`${label}: success_tasks ${job['success_tasks']} of ${job['total_tasks']}`);
  if (job['remained_tasks'] !== 0) problems.push(`${label}: remained_tasks ${job['remained_tasks']}`);
  if (run.tasks.length !== job['total_tasks']) problems.push(`${label}: ${run.tasks.length} tasks listed, total_tasks ${job['total_tasks']}`);
  if (run.created !== expected.created) problems.push(`${label}: created ${run.created}, expected ${expected.created}`);
  if (run.updated !== expected.updated) problems.push(`${label}: updated ${run.updated}, expected ${expected.updated}`);
  if (run.failures !== 0) problems.push(`${label}: ${run.failures} failed resources`);
  return problems;
}
