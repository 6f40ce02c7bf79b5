import { status as GrpcStatus } from '@grpc/grpc-js';
import { isServiceError } from '@cloud-inventory/grpc';
import { InventoryClient, InventoryService } from '../client/inventory-client';

export type JobInfo = Record<string, unknown> & { job_id: string; status: string };
export type TaskInfo = Record<string, unknown> & { job_task_id: string; status: string };

/** A job is followed until it leaves these. */
export const RUNNING_JOB_STATUSES = new Set(['IN_PROGRESS', 'CREATED', 'NONE']);

/** What progress needs of a task while it runs (the errors are read once, at the end). */
export const TASK_PROGRESS_KEYS = [
  'job_task_id',
  'status',
  'secret_id',
  'created_count',
  'updated_count',
  'failure_count',
  'disconnected_count',
  'created_at',
  'started_at',
  'finished_at',
];

const PAGE_SIZE = 1000;

/** Every row of a list call, page by page (the server caps a page at 1000 rows). */
export async function listAll(
  client: InventoryClient,
  service: InventoryService,
  request: Record<string, unknown>,
  query: Record<string, unknown> = {},
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (let start = 1; ; start += PAGE_SIZE) {
    const answer = await client.call<{ results: Record<string, unknown>[]; total_count: number }>(service, 'list', {
      ...request,
      query: { ...query, page: { start, limit: PAGE_SIZE } },
    });
    rows.push(...answer.results);
    if (answer.results.length < PAGE_SIZE || rows.length >= answer.total_count) return rows;
  }
}

export function listJobTasks(client: InventoryClient, jobId: string, only?: string[]): Promise<TaskInfo[]> {
  return listAll(client, 'JobTask', { job_id: jobId }, { sort: [{ key: 'created_at' }], ...(only && { only }) }) as Promise<TaskInfo[]>;
}

export interface JobSnapshot {
  job: JobInfo;
  tasks: TaskInfo[];
  /** when it was read, by this process's clock */
  readAt: number;
}

function transient(error: unknown): boolean {
  return isServiceError(error) && (error.code === GrpcStatus.UNAVAILABLE || error.code === GrpcStatus.DEADLINE_EXCEEDED);
}

export interface WatchOptions {
  intervalMs: number;
  /** how long the inventory may stay unreachable before following gives up (a restart is ridden out) */
  outageMs: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls a job and its tasks until the job has ended, yielding each reading; the last one has the
 * job's final status. An unreachable inventory is retried for `outageMs`, then the error is thrown.
 */
export async function* watchJob(client: InventoryClient, jobId: string, options: WatchOptions): AsyncGenerator<JobSnapshot> {
  const wait = options.sleep ?? sleep;
  let unreachableSince: number | undefined;
  while (!options.signal?.aborted) {
    let snapshot: JobSnapshot;
    try {
      const job = await client.call<JobInfo>('Job', 'get', { job_id: jobId });
      const tasks = await listJobTasks(client, jobId, TASK_PROGRESS_KEYS);
      snapshot = { job, tasks, readAt: Date.now() };
      unreachableSince = undefined;
    } catch (error) {
      if (!transient(error)) throw error;
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince >= options.outageMs) throw error;
      await wait(options.intervalMs, options.signal);
      continue;
    }
    yield snapshot;
    if (!RUNNING_JOB_STATUSES.has(snapshot.job.status)) return;
    await wait(options.intervalMs, options.signal);
  }
}
