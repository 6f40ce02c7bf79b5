import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RESOURCE_KIND } from '../cloud-service/resource-kinds';
import { firstRow } from '../common/sql-rows';

const q = (identifier: string) => `"${identifier}"`;

/**
 * Retention's statements (Cloudforet's cleanup): each removes at most `limit` rows, is its own
 * short transaction, locks only the rows it removes and skips rows another transaction holds
 * (FOR UPDATE SKIP LOCKED), so it never waits on a collect, and two runs at once neither wait on
 * each other nor count a row twice. Each returns how many rows it removed; callers repeat it until
 * that is less than `limit`. Times come from the caller's clock.
 *
 * They reach into the tables of job, job-task, ingest (collect_seen) and cloud-service: retention
 * owns these purge statements, the folders own everything else about their tables.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private async count(sql: string, values: unknown[]): Promise<number> {
    return firstRow<{ n: number }>(await this.dataSource.query(sql, values))!.n;
  }

  /** Tasks of jobs created before `cutoff` that have ended (a running job is kept until it ends). */
  deleteTasksOfOldJobs(cutoff: Date, limit: number): Promise<number> {
    return this.count(
      `WITH doomed AS (
         SELECT t.job_task_id FROM job_task t JOIN job j ON j.job_id = t.job_id
          WHERE j.created_at < $1 AND j.status <> 'IN_PROGRESS'
          LIMIT $2
          FOR UPDATE OF t SKIP LOCKED),
       gone AS (DELETE FROM job_task WHERE job_task_id IN (SELECT job_task_id FROM doomed) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
  }

  /** Jobs created before `cutoff` that have ended and have no task left, with their collect bookkeeping (seen-rows, claim turns). */
  deleteOldJobs(cutoff: Date, limit: number): Promise<number> {
    return this.count(
      `WITH doomed AS (
         SELECT job_id FROM job j
          WHERE created_at < $1 AND status <> 'IN_PROGRESS'
            AND NOT EXISTS (SELECT 1 FROM job_task t WHERE t.job_id = j.job_id)
          ORDER BY created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED),
       seen AS (DELETE FROM collect_seen WHERE job_id IN (SELECT job_id FROM doomed)),
       -- claim turns of collectors not served since then and with nothing queued (deleted or idle collectors)
       turns AS (DELETE FROM task_claim_turn t WHERE t.claimed_at < $1
                   AND NOT EXISTS (SELECT 1 FROM task_queue q WHERE q.domain_id = t.domain_id AND q.collector_id = t.collector_id)),
       gone AS (DELETE FROM job WHERE job_id IN (SELECT job_id FROM doomed) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
  }

  /**
   * Cloud services DELETED before `cutoff`, removed for good (their collect bookkeeping is on the
   * row; collect_seen holds live rows only, and goes with its jobs).
   */
  purgeDeletedCloudServices(cutoff: Date, limit: number): Promise<number> {
    const kind = RESOURCE_KIND.cloud_service;
    const id = q(kind.idColumn);
    return this.count(
      `WITH doomed AS (
         SELECT ${id} FROM ${q(kind.table)}
          WHERE state = 'DELETED' AND deleted_at < $1
          ORDER BY deleted_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED),
       gone AS (DELETE FROM ${q(kind.table)} WHERE ${id} IN (SELECT ${id} FROM doomed) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, limit],
    );
  }

  /**
   * Types or regions no collect has seen since `cutoff` (updated_at), marked DELETED at `now`;
   * rows written by hand (updated_by "manual") stay, as in Cloudforet. A collect that sees one
   * again revives it.
   */
  expireUnseen(kind: 'cloud_service_type' | 'region', cutoff: Date, now: Date, limit: number): Promise<number> {
    const { table, idColumn } = RESOURCE_KIND[kind];
    const id = q(idColumn);
    return this.count(
      `WITH doomed AS (
         SELECT ${id} FROM ${q(table)}
          WHERE state = 'ACTIVE' AND updated_by <> 'manual' AND updated_at < $1
          LIMIT $3
          FOR UPDATE SKIP LOCKED),
       gone AS (UPDATE ${q(table)} SET state = 'DELETED', deleted_at = $2 WHERE ${id} IN (SELECT ${id} FROM doomed) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, now, limit],
    );
  }
}
