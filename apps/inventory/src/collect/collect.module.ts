import { Module } from '@nestjs/common';
import { CollectorModule } from '../collector/collector.module';
import { IngestModule } from '../ingest/ingest.module';
import { JobTaskModule } from '../job-task/job-task.module';
import { JobModule } from '../job/job.module';
import { MetricModule } from '../metric/metric.module';
import { PluginModule } from '../plugin/plugin.module';
import { SecretModule } from '../secret/secret.module';
import { CollectDeletionService } from './collect-deletion.service';
import { CollectSweeper } from './collect-sweeper';
import { CollectService } from './collect.service';
import { JobStopper } from './job-stopper';
import { JobTraceRepository } from './job-trace.repository';
import { StorageExporters } from './storage-exporter';
import { TaskEnding } from './task-ending';
import { TaskRunner } from './task-runner';
import { TaskWorker } from './task-worker.service';

/**
 * Collects, orchestrated: starting jobs, stopping them (cancel, supersede, timeout), the workers
 * that claim and run tasks, ending tasks and folding them into their jobs, and the deletions that
 * reach across a collect's records.
 */
@Module({
  imports: [CollectorModule, SecretModule, PluginModule, JobModule, JobTaskModule, IngestModule, MetricModule],
  providers: [CollectService, CollectDeletionService, JobStopper, JobTraceRepository, StorageExporters, TaskEnding, TaskRunner, TaskWorker, CollectSweeper],
  exports: [CollectService, CollectDeletionService, JobStopper, TaskWorker, CollectSweeper],
})
export class CollectModule {}
