import { InventoryClient } from '../client/inventory-client';
import { JobInfo, TaskInfo, listJobTasks } from './job-watch';
import { writtenOf } from './task-progress';

/** One cloud service type of a finished job. */
export interface TypeSummary {
  provider: string;
  cloud_service_group: string;
  cloud_service_type: string;
  /** created or updated by this job: last_collected_at within the job */
  written: number;
  /** of those, created by this job: created_at within the job */
  created: number;
  /** ACTIVE resources of this collector and the job's secrets now (unchanged ones included) */
  active: number;
  /** the task errors that name a resource of this type */
  failures: number;
  first_written_at: string | null;
  last_written_at: string | null;
  /** from the job's start to the last write of this type */
  duration_seconds: number | null;
}

export interface TaskSummary {
  job_task_id: string;
  secret_id: string;
  status: string;
  created_count: number;
  updated_count: number;
  disconnected_count: number;
  failure_count: number;
  duration_seconds: number | null;
  errors: { error_code: string; message: string; additional: Record<string, unknown> }[];
}

export interface CollectSummary {
  job: JobInfo;
  duration_seconds: number | null;
  totals: { tasks: number; written: number; created: number; updated: number; disconnected: number; failures: number };
  types: TypeSummary[];
  /** failures the tasks counted but whose error entries were not kept (TASK_ERROR_LIMIT per task) */
  unitemised_failures: number;
  /** errors of a task as a whole (the plugin stream broke, the plugin was unreachable, ...) */
  task_errors: { job_task_id: string; error_code: string; message: string }[];
  tasks: TaskSummary[];
}

type Row = Record<string, unknown>;

function seconds(from: unknown, to: unknown): number | null {
  const start = typeof from === 'string' && from ? Date.parse(from) : NaN;
  const end = typeof to === 'string' && to ? Date.parse(to) : NaN;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, (end - start) / 1000) : null;
}

function typeKey(provider: unknown, group: unknown, type: unknown): string {
  return JSON.stringify([String(provider ?? ''), String(group ?? ''), String(type ?? '')]);
}

function describesResource(additional: Record<string, unknown> | undefined): boolean {
  return !!additional && typeof additional['resource_type'] === 'string';
}

const GROUP_KEYS = [
  { key: 'provider', name: 'provider' },
  { key: 'cloud_service_group', name: 'cloud_service_group' },
  { key: 'cloud_service_type', name: 'cloud_service_type' },
];

/**
 * The per-type summary of a finished job, from what the inventory stored: cloud-service stat grouped
 * by type over the resources of this collector (and the job's secrets) whose last_collected_at falls
 * within the job, the ACTIVE ones of the same scope, and the tasks' error entries, whose
 * `additional` names the resource (provider, cloud_service_group, cloud_service_type).
 */
export async function summarizeJob(client: InventoryClient, job: JobInfo): Promise<CollectSummary> {
  const tasks = await listJobTasks(client, job.job_id);
  const secretIds = [...new Set(tasks.map((task) => String(task['secret_id'] ?? '')).filter(Boolean))];
  const scope = [
    { k: 'collection_info.collector_id', v: job['collector_id'], o: 'eq' },
    ...(secretIds.length ? [{ k: 'collection_info.secret_id', v: secretIds, o: 'in' }] : []),
  ];
  const within = [
    { k: 'collection_info.last_collected_at', v: job['created_at'], o: 'datetime_gte' },
    // the API gives milliseconds, PostgreSQL keeps microseconds: the bound is the next millisecond
    ...(job['finished_at'] ? [{ k: 'collection_info.last_collected_at', v: new Date(Date.parse(String(job['finished_at'])) + 1).toISOString(), o: 'datetime_lt' }] : []),
  ];
  const [writtenStat, createdStat, activeStat] = await Promise.all([
    client.call<{ results: Row[] }>('CloudService', 'stat', {
      query: {
        filter: [...scope, ...within],
        aggregate: [
          {
            group: {
              keys: GROUP_KEYS,
              fields: [
                { operator: 'count', name: 'written' },
                { operator: 'min', key: 'collection_info.last_collected_at', name: 'first_written_at' },
                { operator: 'max', key: 'collection_info.last_collected_at', name: 'last_written_at' },
              ],
            },
          },
        ],
      },
    }),
    client.call<{ results: Row[] }>('CloudService', 'stat', {
      query: {
        filter: [...scope, ...within, { k: 'created_at', v: job['created_at'], o: 'datetime_gte' }],
        aggregate: [{ group: { keys: GROUP_KEYS, fields: [{ operator: 'count', name: 'created' }] } }],
      },
    }),
    client.call<{ results: Row[] }>('CloudService', 'stat', {
      query: {
        filter: [...scope, { k: 'state', v: 'ACTIVE', o: 'eq' }],
        aggregate: [{ group: { keys: GROUP_KEYS, fields: [{ operator: 'count', name: 'active' }] } }],
      },
    }),
  ]);

  const types = new Map<string, TypeSummary>();
  const typeOf = (provider: unknown, group: unknown, type: unknown): TypeSummary => {
    const key = typeKey(provider, group, type);
    let summary = types.get(key);
    if (!summary) {
      summary = {
        provider: String(provider ?? ''),
        cloud_service_group: String(group ?? ''),
        cloud_service_type: String(type ?? ''),
        written: 0,
        created: 0,
        active: 0,
        failures: 0,
        first_written_at: null,
        last_written_at: null,
        duration_seconds: null,
      };
      types.set(key, summary);
    }
    return summary;
  };
  for (const row of writtenStat.results) {
    const summary = typeOf(row['provider'], row['cloud_service_group'], row['cloud_service_type']);
    summary.written = Number(row['written']) || 0;
    summary.first_written_at = (row['first_written_at'] as string | undefined) ?? null;
    summary.last_written_at = (row['last_written_at'] as string | undefined) ?? null;
    summary.duration_seconds = seconds(job['created_at'], summary.last_written_at);
  }
  for (const row of createdStat.results) typeOf(row['provider'], row['cloud_service_group'], row['cloud_service_type']).created = Number(row['created']) || 0;
  for (const row of activeStat.results) typeOf(row['provider'], row['cloud_service_group'], row['cloud_service_type']).active = Number(row['active']) || 0;

  const taskErrors: CollectSummary['task_errors'] = [];
  let itemised = 0;
  for (const task of tasks) {
    for (const error of (task['errors'] ?? []) as TaskSummary['errors']) {
      itemised += 1;
      const additional = error.additional ?? {};
      if (describesResource(additional)) {
        typeOf(additional['provider'], additional['cloud_service_group'], additional['cloud_service_type']).failures += 1;
      } else {
        taskErrors.push({ job_task_id: task.job_task_id, error_code: error.error_code, message: error.message });
      }
    }
  }

  const totals = {
    tasks: tasks.length,
    written: tasks.reduce((sum, task) => sum + writtenOf(task), 0),
    created: tasks.reduce((sum, task) => sum + (Number(task['created_count']) || 0), 0),
    updated: tasks.reduce((sum, task) => sum + (Number(task['updated_count']) || 0), 0),
    disconnected: tasks.reduce((sum, task) => sum + (Number(task['disconnected_count']) || 0), 0),
    failures: tasks.reduce((sum, task) => sum + (Number(task['failure_count']) || 0), 0),
  };
  const sortedTypes = [...types.values()].sort(
    (a, b) =>
      a.provider.localeCompare(b.provider) ||
      a.cloud_service_group.localeCompare(b.cloud_service_group) ||
      a.cloud_service_type.localeCompare(b.cloud_service_type),
  );
  return {
    job,
    duration_seconds: seconds(job['created_at'], job['finished_at']),
    totals,
    types: sortedTypes,
    unitemised_failures: Math.max(0, totals.failures - itemised),
    task_errors: taskErrors,
    tasks: tasks.map((task: TaskInfo) => ({
      job_task_id: task.job_task_id,
      secret_id: String(task['secret_id'] ?? ''),
      status: task.status,
      created_count: Number(task['created_count']) || 0,
      updated_count: Number(task['updated_count']) || 0,
      disconnected_count: Number(task['disconnected_count']) || 0,
      failure_count: Number(task['failure_count']) || 0,
      duration_seconds: seconds(task['started_at'], task['finished_at']),
      errors: (task['errors'] ?? []) as TaskSummary['errors'],
    })),
  };
}
