import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sqlRows } from '../common/sql-rows';

export const TASK_QUEUE_CHANNEL = 'inventory_task_queue';

export interface ClaimedTask {
  job_task_id: string;
  attempts: number;
}

/**
 * The Postgres work queue (task_queue): entries are written with their job, claimed with
 * FOR UPDATE SKIP LOCKED under a lease, renewed while the task runs, and deleted when it ends.
 */
@Injectable()
export class TaskQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the job's transaction: one entry per task, and a wake-up for listening workers on commit. */
  async enqueue(manager: EntityManager, jobTaskIds: string[]): Promise<void> {
    if (jobTaskIds.length === 0) return;
    await manager.query(`INSERT INTO task_queue (job_task_id) SELECT unnest($1::text[])`, [jobTaskIds]);
    await manager.query(`SELECT pg_notify($1, '')`, [TASK_QUEUE_CHANNEL]);
  }

  /** Up to `limit` ready entries whose lease is free or expired, now leased to `owner`. */
  async claim(owner: string, limit: number, leaseSeconds: number): Promise<ClaimedTask[]> {
    const result = await this.dataSource.query(
      `UPDATE task_queue q
          SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $3), attempts = q.attempts + 1
        WHERE q.job_task_id IN (
          SELECT job_task_id FROM task_queue
           WHERE run_after <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now())
           ORDER BY run_after, created_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING q.job_task_id, q.attempts`,
      [owner, limit, leaseSeconds],
    );
    return sqlRows<ClaimedTask>(result);
  }

  /** Extends the leases this owner still holds; returns the ids it no longer holds. */
  async renew(owner: string, jobTaskIds: string[], leaseSeconds: number): Promise<string[]> {
    if (jobTaskIds.length === 0) return [];
    const result = await this.dataSource.query(
      `UPDATE task_queue SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE job_task_id = ANY($2::text[]) AND lease_owner = $1
        RETURNING job_task_id`,
      [owner, jobTaskIds, leaseSeconds],
    );
    const held = new Set(sqlRows<{ job_task_id: string }>(result).map((row) => row.job_task_id));
    return jobTaskIds.filter((id) => !held.has(id));
  }

  /** Gives a task back (shutdown): the next worker may claim it at once, and this run does not count as an attempt. */
  async release(owner: string, jobTaskId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE task_queue SET lease_owner = NULL, lease_expires_at = NULL, attempts = greatest(attempts - 1, 0)
        WHERE job_task_id = $1 AND lease_owner = $2`,
      [jobTaskId, owner],
    );
  }
}
