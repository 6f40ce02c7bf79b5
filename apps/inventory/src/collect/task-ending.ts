import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestRepository } from '../ingest/ingest.repository';
import { JobTaskEntity } from '../job-task/job-task.entity';
import { TaskOutcome, TaskStateRepository } from '../job-task/task-state.repository';
import { JobEntity } from '../job/job.entity';
import { countFinishedTask } from './collect.metrics';

export interface FinishedTask {
  task: JobTaskEntity;
  job: JobEntity;
  /** This ending brought the job's remained_tasks to 0. */
  jobFinished: boolean;
}

/**
 * Ends a task, as one transaction: the state machine's ending (job-task: the task once, counted
 * on its job under the job's lock); after the last successful task of a secret in the job, the
 * disconnection of the secret's resources the job did not see (ingest), counted on the task; and,
 * when the job is finished, its seen-rows dropped. All of it commits or none of it does.
 */
@Injectable()
export class TaskEnding {
  constructor(
    private readonly dataSource: DataSource,
    private readonly states: TaskStateRepository,
    private readonly ingest: IngestRepository,
  ) {}

  /** Ends a task (once); null when the task had already ended or is not ours. */
  async finish(jobTaskId: string, outcome: TaskOutcome): Promise<FinishedTask | null> {
    const finished = await this.dataSource.transaction(async (manager) => {
      const ended = await this.states.end(manager, jobTaskId, outcome);
      if (!ended) return null;
      let task = ended.task;
      if (task.status === 'SUCCESS' && ended.unfinishedSiblings === 0) {
        const counts = await this.ingest.disconnectUnseen(manager, task);
        if (counts.disconnected > 0 || counts.deleted > 0) task = await this.states.addEndingCounts(manager, task.job_task_id, counts);
      }
      const job = ended.job;
      const jobFinished = job.remained_tasks === 0;
      if (jobFinished) await this.ingest.forgetSeen(manager, [job.job_id]);
      return { task, job, jobFinished };
    });
    if (finished) countFinishedTask(finished.task);
    return finished;
  }
}
