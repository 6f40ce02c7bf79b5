import { Module } from '@nestjs/common';
import { JobTaskRepository } from './job-task.repository';
import { JobTaskService } from './job-task.service';
import { TaskQueueStatsRepository } from './task-queue-stats.repository';
import { TaskQueueRepository } from './task-queue.repository';
import { TaskStateRepository } from './task-state.repository';

/** Job tasks: their table and read API, the task queue's leases, and the job/task state machine. */
@Module({
  providers: [JobTaskRepository, JobTaskService, TaskQueueRepository, TaskQueueStatsRepository, TaskStateRepository],
  exports: [JobTaskRepository, JobTaskService, TaskQueueRepository, TaskQueueStatsRepository, TaskStateRepository],
})
export class JobTaskModule {}
