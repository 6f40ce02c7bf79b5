import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { firstRow } from '../common/sql-rows';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { JobTaskEntity, JobTaskError, JobTaskStatus } from '../job-task/job-task.entity';
import { JobEntity, JobStatus } from '../job/job.entity';

export type TerminalTaskStatus = Extract<JobTaskStatus, 'SUCCESS' | 'FAILURE' | 'TIMEOUT' | 'CANCELED'>;

export interface TaskOutcome {
  status: TerminalTaskStatus;
  error?: JobTaskError;
  /** When set, the task ends only if this worker still holds its lease. */
  leaseOwner?: string;
}

export interface FinishedTask {
  task: JobTaskEntity;
  job: JobEntity;
  /** This ending brought the job's remained_tasks to 0. */
  jobFinished: boolean;
}

export interface StartedTask {
  task: JobTaskEntity;
  jobStatus: JobStatus;
}

const APPEND_ERROR = `CASE WHEN $3::jsonb IS NULL OR jsonb_array_length(errors) >= $4 THEN errors ELSE errors || jsonb_build_array($3::jsonb) END`;

/**
 * Every change of a task's status, and what it does to its job, as guarded SQL: a task moves
 * from PENDING/IN_PROGRESS to an end state once only, and only the statement that moved it
 * counts it on the job, in the same transaction. The job row is locked first, so concurrent
 * endings of one job are serialised and the one that brings remained_tasks to 0 sets the job's
 * final status and finished_at exactly once.
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

  /** Ends a task (once) and counts it on its job; null when the task had already ended or is not ours. */
  async finish(jobTaskId: string, outcome: TaskOutcome): Promise<FinishedTask | null> {
    return this.dataSource.transaction(async (manager) => {
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

      let task = ended.task;
      if (task.status === 'SUCCESS' && ended.unfinished_siblings === 0) task = await this.markDisconnected(manager, task);
      const job = ended.job;
      const jobFinished = job.remained_tasks === 0;
      if (jobFinished) await manager.query(`DELETE FROM collect_seen WHERE job_id = $1`, [job.job_id]);
      return { task, job, jobFinished };
    });
  }

  /**
   * After the last successful task of a secret in a job (a split collect has several; the caller
   * knows it is the last), the secret's cloud services this job did not see are disconnected, and
   * deleted after DISCONNECTED_DELETE_AFTER misses in a row. A partial run (any task of the secret
   * failed) never gets here, so it changes nothing.
   */
  private async markDisconnected(manager: EntityManager, task: JobTaskEntity): Promise<JobTaskEntity> {
    // collect_seen was filled by this very job, so its statistics are stale and the planner takes
    // it for a handful of rows: a nested-loop anti join then costs seconds per 10k resources.
    // A hash anti join reads each side once.
    await manager.query(`SET LOCAL enable_nestloop = off`);
    const counts = firstRow<{ disconnected: number; deleted: number }>(
      await manager.query(
        `WITH gone AS (
           UPDATE cloud_service cs SET
               disconnected_count = cs.disconnected_count + 1,
               state = CASE WHEN cs.disconnected_count + 1 >= $5 THEN 'DELETED' ELSE 'DISCONNECTED' END,
               deleted_at = CASE WHEN cs.disconnected_count + 1 >= $5 THEN now() END,
               updated_at = now()
            WHERE cs.domain_id = $1 AND cs.collector_id = $2 AND cs.secret_id = $3 AND cs.state <> 'DELETED'
              AND cs.collected_by_job IS DISTINCT FROM $4
              AND NOT EXISTS (SELECT 1 FROM collect_seen s
                               WHERE s.job_id = $4 AND s.secret_id = $3 AND s.cloud_service_id = cs.cloud_service_id)
            RETURNING cs.state)
         SELECT count(*) FILTER (WHERE state = 'DISCONNECTED')::int AS disconnected,
                count(*) FILTER (WHERE state = 'DELETED')::int AS deleted
           FROM gone`,
        [task.domain_id, task.collector_id, task.secret_id, task.job_id, this.config.ingest.disconnectedDeleteAfter],
      ),
    )!;
    await manager.query(`SET LOCAL enable_nestloop = on`);
    await manager.query(`DELETE FROM collect_seen WHERE job_id = $1 AND secret_id = $2`, [task.job_id, task.secret_id]);
    if (counts.disconnected === 0 && counts.deleted === 0) return task;
    return firstRow<JobTaskEntity>(
      await manager.query(
        `UPDATE job_task SET disconnected_count = disconnected_count + $2, deleted_count = deleted_count + $3
          WHERE job_task_id = $1 RETURNING *`,
        [task.job_task_id, counts.disconnected, counts.deleted],
      ),
    )!;
  }
}
