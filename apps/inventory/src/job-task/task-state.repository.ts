import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { firstRow } from '../common/sql-rows';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { JobEntity, JobStatus } from '../job/job.entity';
import { JobTaskEntity, JobTaskError, JobTaskStatus } from './job-task.entity';

export type TerminalTaskStatus = Extract<JobTaskStatus, 'SUCCESS' | 'FAILURE' | 'TIMEOUT' | 'CANCELED'>;

export interface TaskOutcome {
  status: TerminalTaskStatus;
  error?: JobTaskError;
  /** When set, the task ends only if this worker still holds its lease. */
  leaseOwner?: string;
}

export interface EndedTask {
  task: JobTaskEntity;
  job: JobEntity;
  /** Other tasks of the same job and secret that have not (yet) succeeded. */
  unfinishedSiblings: number;
}

/** What one batch of a collect adds to its task. */
export interface BatchTally {
  created: number;
  updated: number;
  failed: number;
  /** Error entries to append, kept up to TASK_ERROR_LIMIT in all. */
  errors: JobTaskError[];
}

export interface StartedTask {
  task: JobTaskEntity;
  jobStatus: JobStatus;
}

const APPEND_ERROR = `CASE WHEN $3::jsonb IS NULL OR jsonb_array_length(errors) >= $4 THEN errors ELSE errors || jsonb_build_array($3::jsonb) END`;

const ADD_BATCH = `
UPDATE job_task SET
  created_count = created_count + $2,
  updated_count = updated_count + $3,
  failure_count = failure_count + $4,
  errors = CASE WHEN jsonb_array_length($5::jsonb) = 0 OR jsonb_array_length(errors) >= $6 THEN errors
           ELSE (SELECT COALESCE(jsonb_agg(e ORDER BY n), '[]'::jsonb)
                 FROM jsonb_array_elements(errors || $5::jsonb) WITH ORDINALITY AS x(e, n) WHERE n <= $6) END,
  updated_at = now()
WHERE job_task_id = $1 AND status = 'IN_PROGRESS'
  AND EXISTS (SELECT 1 FROM task_queue q WHERE q.job_task_id = $1 AND q.lease_owner = $7)
RETURNING job_task_id`;

/**
 * The job/task state machine and the task's counters, as guarded SQL: a task moves from
 * PENDING/IN_PROGRESS to an end state once only, and only the statement that moved it counts it
 * on the job, in the same transaction. The job row is locked first, so concurrent endings of one
 * job are serialised and the one that brings remained_tasks to 0 sets the job's final status and
 * finished_at exactly once. Counters move only while the task is IN_PROGRESS and its lease is held.
 *
 * Ending a task is one step of a larger transaction (collect/task-ending.ts adds the
 * disconnection of unseen resources): `end` runs in the caller's transaction.
 */
@Injectable()
export class TaskStateRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  /**
   * PENDING → IN_PROGRESS for the worker holding the lease. A retried task (its previous worker
   * died) starts its failure count and errors over; its created/updated counts stay, and as an
   * unchanged resource is not counted again, they stay exact.
   */
  async start(jobTaskId: string, attempt: number): Promise<StartedTask | null> {
    const rows = await this.dataSource.query(
      `UPDATE job_task t SET status = 'IN_PROGRESS', started_at = COALESCE(t.started_at, now()), updated_at = now(),
              failure_count = CASE WHEN $2 > 1 THEN 0 ELSE t.failure_count END,
              errors = CASE WHEN $2 > 1 THEN '[]'::jsonb ELSE t.errors END
         FROM job j
        WHERE t.job_task_id = $1 AND j.job_id = t.job_id AND t.status IN ('PENDING', 'IN_PROGRESS')
        RETURNING t.*, j.status AS job_status`,
      [jobTaskId, attempt],
    );
    const row = firstRow<JobTaskEntity & { job_status: JobStatus }>(rows);
    if (!row) return null;
    const { job_status, ...task } = row;
    return { task: task as JobTaskEntity, jobStatus: job_status };
  }

  /**
   * In the caller's transaction: ends a task (once) and counts it on its job; null when the task
   * had already ended or is not ours (`leaseOwner`).
   */
  async end(manager: EntityManager, jobTaskId: string, outcome: TaskOutcome): Promise<EndedTask | null> {
    const locked = firstRow<{ job_id: string }>(
      await manager.query(
        `SELECT j.job_id FROM job j JOIN job_task t ON t.job_id = j.job_id WHERE t.job_task_id = $1 FOR UPDATE OF j`,
        [jobTaskId],
      ),
    );
    if (!locked) return null;

    // One statement (the job is locked, so this snapshot sees every earlier ending): end the task
    // if it may end, count it on the job, take it off the queue, and tell whether it was the
    // last unfinished task of its secret in this job.
    const ended = firstRow<{ task: JobTaskEntity; job: JobEntity; unfinished_siblings: number }>(
      await manager.query(
        `WITH ended AS (
           UPDATE job_task SET
               status = CASE WHEN $2 = 'SUCCESS' AND failure_count > 0 THEN 'FAILURE' ELSE $2 END,
               failure_count = failure_count + CASE WHEN $3::jsonb IS NULL THEN 0 ELSE 1 END,
               errors = ${APPEND_ERROR},
               finished_at = now(), updated_at = now()
             WHERE job_task_id = $1 AND status IN ('PENDING', 'IN_PROGRESS')
               AND ($5::text IS NULL OR EXISTS (
                     SELECT 1 FROM task_queue q WHERE q.job_task_id = $1 AND q.lease_owner = $5))
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
         SELECT row_to_json(e) AS task, row_to_json(c) AS job,
                (SELECT count(*) FROM job_task s
                  WHERE s.job_id = e.job_id AND s.secret_id = e.secret_id
                    AND s.job_task_id <> e.job_task_id AND s.status <> 'SUCCESS')::int AS unfinished_siblings
           FROM ended e, counted c`,
        [jobTaskId, outcome.status, outcome.error ? JSON.stringify(outcome.error) : null, this.config.ingest.errorLimit, outcome.leaseOwner ?? null],
      ),
    );
    if (!ended) return null;
    return { task: ended.task, job: ended.job, unfinishedSiblings: ended.unfinished_siblings };
  }

  /** In the caller's transaction: counts the resources an ending disconnected and deleted on the task. */
  async addEndingCounts(manager: EntityManager, jobTaskId: string, counts: { disconnected: number; deleted: number }): Promise<JobTaskEntity> {
    return firstRow<JobTaskEntity>(
      await manager.query(
        `UPDATE job_task SET disconnected_count = disconnected_count + $2, deleted_count = deleted_count + $3
          WHERE job_task_id = $1 RETURNING *`,
        [jobTaskId, counts.disconnected, counts.deleted],
      ),
    )!;
  }

  /**
   * In the transaction of a written batch (a pg client, for the named statement): adds the batch's
   * counts and errors to its task, only while the task runs under `leaseOwner`'s lease. False when
   * it does not: the caller must roll the batch back.
   */
  async addBatch(client: PoolClient, jobTaskId: string, leaseOwner: string, tally: BatchTally): Promise<boolean> {
    const limit = this.config.ingest.errorLimit;
    const held = await client.query({
      name: 'ingest_add_to_task',
      text: ADD_BATCH,
      values: [jobTaskId, tally.created, tally.updated, tally.failed, JSON.stringify(tally.errors.slice(0, limit)), limit, leaseOwner],
    });
    return (held.rowCount ?? 0) > 0;
  }
}
