import { Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CollectorRepository } from '../collector/collector.repository';
import { IngestRepository } from '../ingest/ingest.repository';
import { JobTaskEntity } from '../job-task/job-task.entity';
import { TaskOutcome, TaskStateRepository } from '../job-task/task-state.repository';
import { JobEntity } from '../job/job.entity';
import { MetricRunner } from '../metric/metric-runner';
import { countFinishedTask } from './collect.metrics';
import { StorageExporter, StorageExporters } from './storage-exporter';

export interface FinishedTask {
  task: JobTaskEntity;
  /** The job as the fold after this ending left it; null when another fold counted the ending. */
  job: JobEntity | null;
  /** The fold after this ending brought the job's remained_tasks to 0. */
  jobFinished: boolean;
}

interface FoldRunResult {
  /** The job as the run's last fold that counted anything left it. */
  job: JobEntity | null;
  /** One of the run's folds finished the job. */
  finished: boolean;
  disconnectedBy: Map<string, JobTaskEntity>;
}

/** A fold of one job running in this process; `again`: an ending joined it since its last look. */
interface FoldRun {
  again: boolean;
  done: Promise<FoldRunResult>;
}

const NO_FOLD: FoldRunResult = { job: null, finished: false, disconnectedBy: new Map() };

/** One fold's outcome. */
export interface FoldResult {
  locked: boolean;
  consumed: number;
  job: JobEntity | null;
  /** This fold brought remained_tasks to 0. */
  finished: boolean;
  /** Tasks whose counts the fold's disconnections changed. */
  disconnectedBy: Map<string, JobTaskEntity>;
}

/**
 * Ends tasks and folds their endings into their jobs.
 *
 * Ending a task is one statement that commits on its own: the task moves once and its ending is
 * recorded (job-task's state machine); then a fold is run on the job's row with SKIP LOCKED, one at
 * a time per job in this process (see finish). A fold counts every recorded ending on the job in one statement; after the last
 * successful task of a secret it disconnects the secret's resources the job did not see (ingest),
 * counted on that task, and when the job is finished it drops its seen-rows. All of a fold commits
 * or none of it does.
 *
 * No ending waits for another: an ending whose fold finds the job's row taken leaves its record
 * to the holder, and every holder looks again once it has committed (a record committed while it
 * held the row was not in its snapshot and its writer skipped). The sweep (collect-sweeper.ts)
 * folds what a crashed process left. The fold that finishes a job tells the storage plugin.
 */
@Injectable()
export class TaskEnding {
  private readonly logger = new Logger(TaskEnding.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly states: TaskStateRepository,
    private readonly ingest: IngestRepository,
    private readonly collectors: CollectorRepository,
    private readonly exporters: StorageExporters,
    @Optional() private readonly metrics?: MetricRunner,
  ) {}

  /** Jobs a fold of this process is counting the endings of now (see finish). */
  private readonly folding = new Map<string, FoldRun>();

  /**
   * Ends a task (once); null when the task had already ended or is not ours. `exporter` is the
   * task's storage exporter, used when its ending finishes the job (else it is resolved).
   *
   * The ending commits on its own (recorded), then is folded into its job: by this call, or, when
   * a fold of the same job is already running in this process, by that fold, which is asked to go
   * round once more and awaited. Endings of one job that arrive together are so counted by one
   * fold transaction instead of one each. Either way the call returns once its ending is counted,
   * unless another process's fold holds the job's row (that holder counts it after its commit).
   */
  async finish(jobTaskId: string, outcome: TaskOutcome, exporter?: StorageExporter): Promise<FinishedTask | null> {
    const ended = await this.states.endAlone(jobTaskId, outcome);
    if (!ended) return null;
    // counted once its ending commits, before the fold can make the job final: whoever sees the
    // job ended sees its tasks counted
    countFinishedTask(ended.task);
    const jobId = ended.task.job_id;
    const running = this.folding.get(jobId);
    let folded: FoldRunResult;
    let ranIt = false;
    if (running) {
      running.again = true;
      folded = await running.done;
    } else {
      const run: FoldRun = { again: false, done: Promise.resolve(NO_FOLD) };
      run.done = this.foldRun(jobId, run, exporter);
      this.folding.set(jobId, run);
      folded = await run.done;
      ranIt = true;
    }
    const task = folded.disconnectedBy.get(jobTaskId) ?? ended.task;
    return { task, job: folded.job, jobFinished: ranIt && folded.finished };
  }

  /**
   * Folds the job until it has nothing left to count, or another process's fold holds its row.
   * The last look (`again`, set synchronously by an ending that joins) and the end of the run
   * (the map entry deleted in the same tick) leave no gap for an ending to join too late.
   */
  private async foldRun(jobId: string, run: FoldRun, exporter?: StorageExporter): Promise<FoldRunResult> {
    const result: FoldRunResult = { job: null, finished: false, disconnectedBy: new Map() };
    try {
      for (;;) {
        run.again = false;
        const fold = await this.dataSource.transaction((manager) => this.fold(manager, jobId));
        for (const [id, task] of fold.disconnectedBy) result.disconnectedBy.set(id, task);
        if (fold.job) result.job = fold.job;
        if (fold.finished && fold.job) {
          result.finished = true;
          await this.jobFinished(fold.job, exporter);
        }
        // another fold holds the row: it looks again after its commit
        if (!fold.locked) break;
        if (run.again || (await this.states.hasUnfolded(jobId)) || run.again) continue;
        break;
      }
    } finally {
      // in the tick of the last look: an ending that comes after it starts a run of its own
      this.folding.delete(jobId);
    }
    return result;
  }

  /**
   * After the commit of a transaction that folded (`fold`): tells the storage plugin when the
   * fold finished the job, and looks again for endings recorded while it held the job's row.
   */
  async afterFold(jobId: string, fold: FoldResult, exporter?: StorageExporter): Promise<void> {
    if (fold.finished && fold.job) await this.jobFinished(fold.job, exporter);
    if (fold.locked) await this.foldJob(jobId);
  }

  /**
   * Folds a job's recorded endings until none is left or another fold holds its row (it then
   * looks again after its own commit). Returns the job when one of these folds finished it.
   */
  async foldJob(jobId: string): Promise<JobEntity | null> {
    let finished: JobEntity | null = null;
    for (;;) {
      if (!(await this.states.hasUnfolded(jobId))) return finished;
      const fold = await this.dataSource.transaction((manager) => this.fold(manager, jobId));
      if (fold.finished && fold.job) {
        finished = fold.job;
        await this.jobFinished(fold.job);
      }
      if (!fold.locked) return finished;
    }
  }

  /**
   * One fold in the caller's transaction, with the disconnections it calls for. The caller runs
   * afterFold once its transaction has committed.
   */
  async fold(manager: EntityManager, jobId: string): Promise<FoldResult> {
    const fold = await this.states.fold(manager, jobId);
    const disconnectedBy = new Map<string, JobTaskEntity>();
    const job = fold.job;
    if (job) {
      for (const secret of fold.completedSecrets) {
        const counts = await this.ingest.disconnectUnseen(
          manager,
          { job_id: job.job_id, domain_id: job.domain_id, collector_id: job.collector_id, secret_id: secret.secret_id },
          secret.finished_at,
        );
        if (counts.disconnected > 0 || counts.deleted > 0) {
          disconnectedBy.set(secret.last_task_id, await this.states.addEndingCounts(manager, secret.last_task_id, counts));
        }
      }
    }
    const finished = job !== null && job.remained_tasks === 0;
    if (finished) await this.ingest.forgetSeen(manager, [jobId]);
    return { locked: fold.locked, consumed: fold.consumed, job, finished, disconnectedBy };
  }

  /** Tells the collector's storage plugin (if it names one) that the job has ended; a failure is logged. */
  private async jobFinished(job: JobEntity, exporter?: StorageExporter): Promise<void> {
    try {
      let target = exporter;
      if (!target) {
        const collector = await this.collectors.findOne(job.domain_id, job.collector_id);
        target = collector ? await this.exporters.forCollector(collector) : undefined;
      }
      await target?.exportJobFinished(job);
    } catch (error) {
      this.logger.warn(`job ${job.job_id} ended ${job.status}, but its storage plugin was not told: ${(error as Error).message}`);
    }
    // a job that changed resources recomputes today's metric data of its domain (failures are logged there)
    if (this.metrics) await this.metrics.runAfterJob(job);
  }
}
