import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@cloud-inventory/grpc';
import { rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { TaskErrorCode } from '../job-task/task-error-code';
import { JobSelection, JobStop, TaskStateRepository } from '../job-task/task-state.repository';
import { JobEntity } from '../job/job.entity';
import { JobRepository } from '../job/job.repository';
import { FoldResult, TaskEnding } from './task-ending';

const CANCELED: JobStop = { status: 'CANCELED', errorCode: TaskErrorCode.COLLECT_CANCELED, message: 'The job was canceled (Job.cancel).' };
const TIMED_OUT: JobStop = { status: 'TIMEOUT', errorCode: TaskErrorCode.JOB_TIMEOUT, message: 'The job did not end within its timeout of %s s.' };
const superseded = (jobId: string): JobStop => ({
  status: 'CANCELED',
  errorCode: TaskErrorCode.COLLECT_CANCELED,
  message: `The job was superseded by job ${jobId}, a new collect of the same collector.`,
});

/** Jobs a transaction stopped and folded; settle() them once it has committed. */
export interface StoppedJobs {
  folds: { jobId: string; fold: FoldResult }[];
}

/** How many timed-out jobs one sweep statement stops. */
const EXPIRE_BATCH = 100;

/**
 * Stops running jobs: Job.cancel, a collect that supersedes the collector's running job, and the
 * job timeout. Each is one guarded statement (job-task's stopJobs: the job once, its unfinished
 * tasks, their queue entries, a NOTIFY that makes their workers stop streaming), then a fold in
 * the same transaction, so the job's counters are exact when it commits. A canceled run keeps
 * what its tasks wrote and disconnects nothing (no task of it ends SUCCESS after the stop).
 */
@Injectable()
export class JobStopper {
  private readonly logger = new Logger(JobStopper.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly states: TaskStateRepository,
    private readonly jobs: JobRepository,
    private readonly ending: TaskEnding,
  ) {}

  /**
   * Job.cancel: ends a running job CANCELED; of an ended job, its current state (idempotent).
   * NOT_FOUND for a job that is not the caller's.
   */
  async cancel(jobId: string, scope: RequestScope): Promise<JobEntity> {
    if (!jobId) throw AppError.required('job_id');
    // the caller's jobs only (a workspace token: its workspace's), as Job.delete
    const where = rowScope(scope);
    if (!(await this.jobs.findScoped(where, jobId))) throw AppError.notFound('Job', 'job_id', jobId);
    const stopped = await this.dataSource.transaction((manager) => this.stop(manager, { jobId, domainId: scope.domain_id }, CANCELED));
    await this.settle(stopped);
    const job = await this.jobs.findScoped(where, jobId);
    if (!job) throw AppError.notFound('Job', 'job_id', jobId);
    if (stopped.folds.length > 0) this.logger.log(`job ${jobId} canceled`);
    return job;
  }

  /** In a collect's transaction: cancels the collector's running job of the same request (secret, workspace) for `newJobId`. */
  supersede(manager: EntityManager, key: { collectorId: string; requestSecretId: string; requestWorkspaceId: string }, newJobId: string): Promise<StoppedJobs> {
    return this.stop(manager, key, superseded(newJobId));
  }

  /**
   * Ends TIMEOUT the running jobs past their deadline, with their unfinished tasks: any replica,
   * any number at once (SKIP LOCKED; a stop is guarded). Returns the ids of the jobs it stopped.
   */
  async expire(): Promise<string[]> {
    const ids: string[] = [];
    for (;;) {
      const stopped = await this.dataSource.transaction((manager) => this.stop(manager, { pastDeadline: true, limit: EXPIRE_BATCH }, TIMED_OUT));
      await this.settle(stopped);
      for (const { jobId } of stopped.folds) {
        this.logger.warn(`job ${jobId} timed out: it and its unfinished tasks end TIMEOUT`);
        ids.push(jobId);
      }
      if (stopped.folds.length < EXPIRE_BATCH) return ids;
    }
  }

  /** After the commit of the transaction that stopped them: the storage plugin is told, and late endings are folded. */
  async settle(stopped: StoppedJobs): Promise<void> {
    for (const { jobId, fold } of stopped.folds) await this.ending.afterFold(jobId, fold);
  }

  private async stop(manager: EntityManager, selection: JobSelection, stop: JobStop): Promise<StoppedJobs> {
    const jobIds = await this.states.stopJobs(manager, selection, stop);
    const folds: StoppedJobs['folds'] = [];
    // the stop locked these rows: the fold in the same transaction gets them
    for (const jobId of jobIds) folds.push({ jobId, fold: await this.ending.fold(manager, jobId) });
    return { folds };
  }
}
