import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type QueueEntryStatus = 'ready' | 'leased' | 'delayed';

export interface QueueDepth {
  /** Queue entries by lease state and by their task's status (PENDING, IN_PROGRESS). */
  entries: { status: QueueEntryStatus; task_status: string; count: number }[];
  jobsInProgress: number;
}

/**
 * How deep the work is, for the metrics scrape: one statement over the queue (only unfinished
 * tasks are in it, so it stays small) and the running jobs (a partial unique index holds them).
 */
@Injectable()
export class TaskQueueStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async depth(): Promise<QueueDepth> {
    const [entries, jobs] = await Promise.all([
      this.dataSource.query(
        `SELECT CASE WHEN q.lease_expires_at > now() THEN 'leased'
                     WHEN q.run_after > now() THEN 'delayed'
                     ELSE 'ready' END AS status,
                jt.status AS task_status,
                count(*)::int AS count
           FROM task_queue q JOIN job_task jt ON jt.job_task_id = q.job_task_id
          GROUP BY 1, 2`,
      ) as Promise<QueueDepth['entries']>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM job WHERE status = 'IN_PROGRESS'`) as Promise<{ n: number }[]>,
    ]);
    return { entries, jobsInProgress: jobs[0]?.n ?? 0 };
  }
}
