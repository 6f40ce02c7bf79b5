import { JobSnapshot, TaskInfo } from './job-watch';

/** One task's progress as the display shows it. */
export interface TaskProgress {
  job_task_id: string;
  secret_id: string;
  status: string;
  /** cloud services created or updated (unchanged ones cost no write and are not counted, as in Cloudforet) */
  written: number;
  failures: number;
  disconnected: number;
  /** written per second: over the last readings while running, over the whole run once ended */
  rate: number;
  elapsedSeconds: number;
}

export interface JobProgress {
  job_id: string;
  status: string;
  totalTasks: number;
  endedTasks: number;
  written: number;
  failures: number;
  elapsedSeconds: number;
  tasks: TaskProgress[];
}

const RATE_WINDOW_MS = 5_000;

function time(text: unknown): number | undefined {
  if (typeof text !== 'string' || !text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function writtenOf(task: TaskInfo): number {
  return (Number(task['created_count']) || 0) + (Number(task['updated_count']) || 0);
}

/**
 * Turns successive job readings into progress figures. Elapsed times come from the server's
 * timestamps; rates from this process's clock between readings, so clock skew cannot distort them.
 */
export class ProgressTracker {
  private readonly history = new Map<string, { at: number; written: number }[]>();

  update(snapshot: JobSnapshot): JobProgress {
    const now = snapshot.readAt;
    const tasks = snapshot.tasks.map((task) => this.taskProgress(task, now));
    const job = snapshot.job;
    const created = time(job['created_at']) ?? now;
    const finished = time(job['finished_at']);
    const total = Number(job['total_tasks']) || tasks.length;
    return {
      job_id: job.job_id,
      status: job.status,
      totalTasks: total,
      endedTasks: total - (Number(job['remained_tasks']) || 0),
      written: tasks.reduce((sum, task) => sum + task.written, 0),
      failures: tasks.reduce((sum, task) => sum + task.failures, 0),
      elapsedSeconds: Math.max(0, ((finished ?? now) - created) / 1000),
      tasks,
    };
  }

  private taskProgress(task: TaskInfo, now: number): TaskProgress {
    const written = writtenOf(task);
    const started = time(task['started_at']);
    const finished = time(task['finished_at']);
    const elapsedMs = started === undefined ? 0 : Math.max(0, (finished ?? now) - started);
    let rate: number;
    if (finished !== undefined || task.status !== 'IN_PROGRESS') {
      rate = elapsedMs > 0 ? (written * 1000) / elapsedMs : 0;
    } else {
      const readings = this.history.get(task.job_task_id) ?? [];
      readings.push({ at: now, written });
      while (readings.length > 2 && now - readings[1].at >= RATE_WINDOW_MS) readings.shift();
      this.history.set(task.job_task_id, readings);
      const first = readings[0];
      const span = now - first.at;
      // before a second reading, the average since the task started
      rate = span > 0 ? ((written - first.written) * 1000) / span : elapsedMs > 0 ? (written * 1000) / elapsedMs : 0;
    }
    return {
      job_task_id: task.job_task_id,
      secret_id: String(task['secret_id'] ?? ''),
      status: task.status,
      written,
      failures: Number(task['failure_count']) || 0,
      disconnected: Number(task['disconnected_count']) || 0,
      rate: Math.max(0, rate),
      elapsedSeconds: elapsedMs / 1000,
    };
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatRate(rate: number): string {
  return rate >= 100 ? `${Math.round(rate)}/s` : `${rate.toFixed(1)}/s`;
}
