import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { firstRow, preparedPoolRows, preparedRows, sqlRows } from '../common/sql-rows';
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

/** A task one ending moved to its end state; its job counts it at its next fold. */
export interface EndedTask {
  task: JobTaskEntity;
}

/** A secret whose every task in the job has now ended SUCCESS: its unseen resources may be disconnected. */
export interface CompletedSecret {
  secret_id: string;
  /** The task that ended last: it carries the disconnection's counts. */
  last_task_id: string;
  /** Its finished_at: the time the disconnection is dated. */
  finished_at: string;
}

/** What one fold of a job's endings did. */
export interface JobFold {
  /** This fold got the job's row (false: another one holds it and will fold after it). */
  locked: boolean;
  /** Endings counted on the job by this fold. */
  consumed: number;
  /** The job after the fold (when it counted anything). */
  job: JobEntity | null;
  /** Secrets whose last ending this fold counted and whose tasks all succeeded. */
  completedSecrets: CompletedSecret[];
}

/** Which running jobs `stopJobs` stops. */
export type JobSelection =
  | { jobId: string; domainId: string }
  | { collectorId: string; requestSecretId: string; requestWorkspaceId: string }
  | { pastDeadline: true; limit: number };

/** How a stopped job and its unfinished tasks end, and the error the tasks record (`%s` is the job's timeout in seconds). */
export interface JobStop {
  status: Extract<JobStatus, 'CANCELED' | 'TIMEOUT'>;
  errorCode: string;
  message: string;
}

/** Workers LISTEN here: the payload is a job whose running tasks must stop now (canceled, timed out). */
export const TASK_CANCEL_CHANNEL = 'inventory_task_cancel';

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

/** Ends a task once and records the ending (see TaskStateRepository.end). */
const END_TASK = `WITH dequeued AS (
   DELETE FROM task_queue WHERE job_task_id = $1 AND ($5::text IS NULL OR lease_owner = $5)
   RETURNING job_task_id
 ),
 ended AS (
   UPDATE job_task t SET
       status = CASE WHEN $2 = 'SUCCESS' AND t.failure_count > 0 THEN 'FAILURE' ELSE $2 END,
       failure_count = t.failure_count + CASE WHEN $3::jsonb IS NULL THEN 0 ELSE 1 END,
       errors = ${APPEND_ERROR},
       finished_at = now(), updated_at = now()
     FROM dequeued d
    WHERE t.job_task_id = d.job_task_id AND t.status IN ('PENDING', 'IN_PROGRESS')
    RETURNING t.*
 ),
 recorded AS (
   INSERT INTO job_task_ending (job_id, job_task_id, secret_id, succeeded, finished_at)
   SELECT job_id, job_task_id, secret_id, status = 'SUCCESS', finished_at FROM ended
 )
 SELECT row_to_json(e) AS task FROM ended e`;

/**
 * The job/task state machine and the task's counters, as guarded SQL: a task moves from
 * PENDING/IN_PROGRESS to an end state once only, and the statement that moved it records the
 * ending (job_task_ending) without touching the job's row, so endings of one job never wait for
 * each other. A fold counts the recorded endings on the job, set-based, under the job's row lock
 * taken with SKIP LOCKED; the fold that brings remained_tasks to 0 sets the job's final status and
 * finished_at, exactly once. Counters of a task move only while it is IN_PROGRESS and its lease is
 * held. Stopping a job (cancel, supersede, timeout) is one guarded statement that ends its
 * unfinished tasks the same way.
 *
 * These run in the caller's transaction (collect/task-ending.ts adds the disconnection of unseen
 * resources to a fold).
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
    const rows = await preparedPoolRows(
      this.dataSource,
      'task_start',
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
   * In the caller's transaction: ends a task (once) and records the ending for its job; null when
   * the task had already ended or is not ours (`leaseOwner`). The job's row is not touched: the
   * ending is counted by the job's next fold. One statement: the queue entry is taken first (under
   * its row lock, so a lease taken over meanwhile is seen), then the task moves, then the record.
   */
  async end(manager: EntityManager, jobTaskId: string, outcome: TaskOutcome): Promise<EndedTask | null> {
    const [ended] = await preparedRows<{ task: JobTaskEntity }>(manager, 'task_end', END_TASK, this.endValues(jobTaskId, outcome));
    return ended ? { task: ended.task } : null;
  }

  /** `end` as a transaction of its own (one round trip): the ending is recorded and committed, for a fold to count. */
  async endAlone(jobTaskId: string, outcome: TaskOutcome): Promise<EndedTask | null> {
    const [ended] = await preparedPoolRows<{ task: JobTaskEntity }>(this.dataSource, 'task_end', END_TASK, this.endValues(jobTaskId, outcome));
    return ended ? { task: ended.task } : null;
  }

  private endValues(jobTaskId: string, outcome: TaskOutcome): unknown[] {
    return [jobTaskId, outcome.status, outcome.error ? JSON.stringify(outcome.error) : null, this.config.ingest.errorLimit, outcome.leaseOwner ?? null];
  }

  /**
   * In the caller's transaction: counts a job's recorded endings on it, if its row is free (SKIP
   * LOCKED: a fold in progress elsewhere is not waited for). One statement consumes the records it
   * sees, adds them to the counters, and sets the final status and finished_at when none remain
   * (a job already CANCELED or TIMEOUT keeps that status). It also names the secrets whose last
   * ending it counted with every task of the secret SUCCESS: a task ending after this statement's
   * snapshot is still open in it, so exactly one fold names each completed secret.
   *
   * A fold that got the row must look again after its commit (records committed while it held the
   * row were skipped by their writers): see collect/task-ending.ts.
   */
  async fold(manager: EntityManager, jobId: string): Promise<JobFold> {
    const [row] = await preparedRows<{ locked: boolean; consumed: number; job: JobEntity | null; completed_secrets: CompletedSecret[] }>(
      manager,
      'task_fold',
      `WITH locked AS (
           SELECT job_id FROM job WHERE job_id = $1 FOR NO KEY UPDATE SKIP LOCKED
         ),
         consumed AS (
           DELETE FROM job_task_ending e USING locked l WHERE e.job_id = l.job_id
           RETURNING e.job_task_id, e.secret_id, e.succeeded, e.finished_at
         ),
         tally AS (
           SELECT count(*)::int AS n, (count(*) FILTER (WHERE succeeded))::int AS succeeded FROM consumed
         ),
         folded AS (
           UPDATE job j SET
               remained_tasks = j.remained_tasks - t.n,
               success_tasks = j.success_tasks + t.succeeded,
               failure_tasks = j.failure_tasks + (t.n - t.succeeded),
               status = CASE WHEN j.status <> 'IN_PROGRESS' THEN j.status
                             WHEN j.remained_tasks - t.n > 0 THEN 'IN_PROGRESS'
                             WHEN j.failure_tasks + (t.n - t.succeeded) > 0 THEN 'FAILURE'
                             ELSE 'SUCCESS' END,
               finished_at = CASE WHEN j.remained_tasks - t.n = 0 THEN coalesce(j.finished_at, now()) ELSE j.finished_at END,
               updated_at = now()
             FROM tally t, locked l
            WHERE j.job_id = l.job_id AND t.n > 0
            RETURNING j.*
         ),
         completed_secrets AS (
           SELECT c.secret_id,
                  (array_agg(c.job_task_id ORDER BY c.finished_at DESC, c.job_task_id DESC))[1] AS last_task_id,
                  max(c.finished_at) AS finished_at
             FROM consumed c
            WHERE c.succeeded
            GROUP BY c.secret_id
           HAVING NOT EXISTS (SELECT 1 FROM job_task s WHERE s.job_id = $1 AND s.secret_id = c.secret_id AND s.status <> 'SUCCESS')
              -- a stopped job (CANCELED, TIMEOUT) disconnects nothing, even for a secret whose tasks all ended SUCCESS before the stop was folded
              AND EXISTS (SELECT 1 FROM folded f WHERE f.status NOT IN ('CANCELED', 'TIMEOUT'))
         )
         SELECT EXISTS (SELECT 1 FROM locked) AS locked,
                (SELECT n FROM tally) AS consumed,
                (SELECT row_to_json(f) FROM folded f) AS job,
                (SELECT coalesce(json_agg(cs), '[]'::json) FROM completed_secrets cs) AS completed_secrets`,
      [jobId],
    );
    return { locked: row.locked, consumed: row.consumed, job: row.job, completedSecrets: row.completed_secrets };
  }

  /** Whether a job has endings not yet counted on it. */
  async hasUnfolded(jobId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM job_task_ending WHERE job_id = $1) AS unfolded`, [jobId]);
    return firstRow<{ unfolded: boolean }>(rows)?.unfolded ?? false;
  }

  /** Jobs with endings not yet counted, oldest ending first (for the sweep). */
  async jobsWithUnfolded(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT job_id FROM (SELECT job_id, min(ending_id) AS first FROM job_task_ending GROUP BY job_id) e ORDER BY first LIMIT $1`,
      [limit],
    );
    return sqlRows<{ job_id: string }>(rows).map((r) => r.job_id);
  }

  /**
   * In the caller's transaction: stops running jobs (a guarded transition from IN_PROGRESS, so a
   * job stops once), takes their tasks off the queue and ends those (every unfinished task is
   * queued) with the same status and an error saying why, records their endings (counted by the job's next fold), and
   * notifies TASK_CANCEL_CHANNEL, so that workers stop those tasks' streams as soon as this
   * commits. One statement; returns the stopped jobs' ids.
   */
  async stopJobs(manager: EntityManager, selection: JobSelection, stop: JobStop): Promise<string[]> {
    const { where, values } = selectionSql(selection);
    const n = values.length;
    const rows = await manager.query(
      `WITH selected AS (
         SELECT job_id FROM job WHERE status = 'IN_PROGRESS' AND ${where}
       ),
       stopped AS (
         UPDATE job j SET status = $${n + 1}, finished_at = now(), updated_at = now()
           FROM selected s
          WHERE j.job_id = s.job_id AND j.status = 'IN_PROGRESS'
          RETURNING j.job_id, (extract(epoch FROM j.deadline_at - j.created_at))::bigint AS timeout_seconds
       ),
       dequeued AS (
         -- the queue entries first, as an ending takes them: the two never wait for each other in a cycle
         DELETE FROM task_queue q USING stopped s WHERE q.job_id = s.job_id
         RETURNING q.job_task_id, s.timeout_seconds
       ),
       ended AS (
         UPDATE job_task t SET
             status = $${n + 1},
             failure_count = t.failure_count + 1,
             errors = CASE WHEN jsonb_array_length(t.errors) >= $${n + 4} THEN t.errors
                           ELSE t.errors || jsonb_build_array(jsonb_build_object(
                                  'error_code', $${n + 2}::text, 'message', format($${n + 3}::text, d.timeout_seconds), 'additional', '{}'::jsonb)) END,
             finished_at = now(), updated_at = now()
           FROM dequeued d
          WHERE t.job_task_id = d.job_task_id AND t.status IN ('PENDING', 'IN_PROGRESS')
          RETURNING t.job_task_id, t.job_id, t.secret_id, t.finished_at
       ),
       recorded AS (
         INSERT INTO job_task_ending (job_id, job_task_id, secret_id, succeeded, finished_at)
         SELECT job_id, job_task_id, secret_id, false, finished_at FROM ended
       )
       SELECT s.job_id, pg_notify('${TASK_CANCEL_CHANNEL}', s.job_id) FROM stopped s`,
      [...values, stop.status, stop.errorCode, stop.message, this.config.ingest.errorLimit],
    );
    return sqlRows<{ job_id: string }>(rows).map((r) => r.job_id);
  }

  /** In the caller's transaction: tells the workers to stop the running tasks of these jobs (deleted) once it commits. */
  async notifyStopped(manager: EntityManager, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await manager.query(`SELECT pg_notify('${TASK_CANCEL_CHANNEL}', id) FROM unnest($1::text[]) AS id`, [jobIds]);
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

/** The WHERE clause (on job) of a selection, and its values ($1…). */
function selectionSql(selection: JobSelection): { where: string; values: unknown[] } {
  if ('jobId' in selection) {
    // an explicit cancel waits for a fold in progress (a few ms) rather than missing the job
    return { where: `job_id = $1 AND domain_id = $2 FOR NO KEY UPDATE`, values: [selection.jobId, selection.domainId] };
  }
  if ('collectorId' in selection) {
    return {
      where: `collector_id = $1 AND request_secret_id = $2 AND request_workspace_id = $3 FOR NO KEY UPDATE`,
      values: [selection.collectorId, selection.requestSecretId, selection.requestWorkspaceId],
    };
  }
  // the sweep: any replica, any number at once; a job busy elsewhere is taken by the next sweep
  return { where: `deadline_at < now() ORDER BY deadline_at LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED`, values: [selection.limit] };
}
