import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@cloud-inventory/observability';
import type { JobTaskEntity } from '../job-task/job-task.entity';

const tasksFinished = new Counter({
  name: 'inventory_job_tasks_finished_total',
  help: 'Job tasks this process ended, by final status (SUCCESS, FAILURE, TIMEOUT, CANCELED).',
  labelNames: ['status'] as const,
  registers: [metricsRegistry()],
});

const taskDuration = new Histogram({
  name: 'inventory_job_task_duration_seconds',
  help: 'Time from a job task start to its end, by final status (tasks that never started are not timed).',
  labelNames: ['status'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600],
  registers: [metricsRegistry()],
});

export const storageExportSeconds = new Histogram({
  name: 'inventory_storage_export_seconds',
  help: 'Time to export one written batch to the storage plugin, by outcome (ok, error).',
  labelNames: ['outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry()],
});

/** Counts and times a task that has just ended (once: the ending is the state machine's). */
export function countFinishedTask(task: Pick<JobTaskEntity, 'status' | 'started_at' | 'finished_at'>): void {
  tasksFinished.inc({ status: task.status });
  if (task.started_at && task.finished_at) {
    // a Date from an entity, an ISO string from row_to_json: new Date() reads both
    const seconds = (new Date(task.finished_at).getTime() - new Date(task.started_at).getTime()) / 1000;
    taskDuration.observe({ status: task.status }, Math.max(0, seconds));
  }
}
