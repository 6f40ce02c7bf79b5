import { Module } from '@nestjs/common';
import { CollectorRepository } from '../collector/collector.repository';
import { IngestRepository } from '../ingest/ingest.repository';
import { JobModule } from '../job/job.module';
import { PluginModule } from '../plugin/plugin.module';
import { SecretModule } from '../secret/secret.module';
import { CollectService } from './collect.service';
import { TaskQueueRepository } from './task-queue.repository';
import { TaskRunner } from './task-runner';
import { TaskStateRepository } from './task-state.repository';
import { TaskWorker } from './task-worker.service';

/** Collects: starting jobs, the task queue, the workers that run tasks and write what they collect. */
@Module({
  imports: [JobModule, PluginModule, SecretModule],
  providers: [
    CollectorRepository,
    CollectService,
    TaskQueueRepository,
    TaskStateRepository,
    TaskRunner,
    TaskWorker,
    IngestRepository,
  ],
  exports: [CollectService, CollectorRepository, TaskStateRepository, TaskWorker],
})
export class CollectModule {}
