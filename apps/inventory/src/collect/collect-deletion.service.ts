import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '@cloud-inventory/grpc';
import { rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { CollectorRepository } from '../collector/collector.repository';
import { IngestRepository } from '../ingest/ingest.repository';
import { JobTaskRepository } from '../job-task/job-task.repository';
import { TaskErrorCode } from '../job-task/task-error-code';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { JobRepository } from '../job/job.repository';
import { TaskEnding } from './task-ending';

/**
 * Deletions that reach across a collect's records: a collector with its jobs, a job, a job task.
 * Each keeps the queue, the seen-rows and the job's counters consistent; resources stay. Workers
 * running a deleted job's tasks are told to stop their streams (what they would still write is
 * refused: the task is gone).
 */
@Injectable()
export class CollectDeletionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly collectors: CollectorRepository,
    private readonly jobs: JobRepository,
    private readonly jobTasks: JobTaskRepository,
    private readonly ingest: IngestRepository,
    private readonly ending: TaskEnding,
    private readonly states: TaskStateRepository,
  ) {}

  /** Deletes the collector with its jobs and their tasks; resources it collected stay. */
  async deleteCollector(collectorId: string, scope: RequestScope): Promise<void> {
    if (!collectorId) throw AppError.required('collector_id');
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.collectors.delete(manager, rowScope(scope), collectorId))) {
        throw AppError.notFound('Collector', 'collector_id', collectorId);
      }
      const jobIds = await this.jobs.deleteByCollector(manager, scope.domain_id, collectorId);
      await this.ingest.forgetSeen(manager, jobIds);
      await this.states.notifyStopped(manager, jobIds);
    });
  }

  /** Deletes a job with its tasks, their queue entries and its collect bookkeeping. */
  async deleteJob(jobId: string, scope: RequestScope): Promise<void> {
    if (!jobId) throw AppError.required('job_id');
    const deleted = await this.dataSource.transaction(async (manager) => {
      if (!(await this.jobs.delete(manager, rowScope(scope), jobId))) return false;
      await this.ingest.forgetSeen(manager, [jobId]);
      await this.states.notifyStopped(manager, [jobId]);
      return true;
    });
    if (!deleted) throw AppError.notFound('Job', 'job_id', jobId);
  }

  /**
   * Deletes a task. One that has not ended is first ended as CANCELED, so its job is counted
   * down and still finishes instead of waiting for it forever.
   */
  async deleteJobTask(jobTaskId: string, scope: RequestScope): Promise<void> {
    if (!jobTaskId) throw AppError.required('job_task_id');
    const task = await this.jobTasks.findScoped(rowScope(scope, { byProject: true }), jobTaskId);
    if (!task) throw AppError.notFound('JobTask', 'job_task_id', jobTaskId);
    if (task.status === 'PENDING' || task.status === 'IN_PROGRESS') {
      await this.ending.finish(jobTaskId, {
        status: 'CANCELED',
        error: { error_code: TaskErrorCode.COLLECT_CANCELED, message: 'The job task was deleted.', additional: {} },
      });
    }
    await this.jobTasks.delete(rowScope(scope, { byProject: true }), jobTaskId);
  }
}
