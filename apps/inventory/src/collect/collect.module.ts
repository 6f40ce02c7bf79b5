import { Module } from '@nestjs/common';
import { CollectorModule } from '../collector/collector.module';
import { IngestModule } from '../ingest/ingest.module';
import { JobTaskModule } from '../job-task/job-task.module';
import { JobModule } from '../job/job.module';
import { MetricModule } from '../metric/metric.module';
import { PluginModule } from '../plugin/plugin.module';
import { SecretModule } from '../secret/secret.module';
import { CollectDeletionService } from './collect-deletion.service';
import { CollectService } from './collect.service';
import { JobTraceRepository } from './job-trace.repository';
import { StorageExporters } from './storage-exporter';
import { TaskEnding } from './task-ending';
import { TaskRunner } from './task-runner';
import { TaskWorker } from './task-worker.service';

/**
 * Collects, orchestrated: starting jobs, the workers that claim and run tasks, ending tasks, and
 * the deletions that reach across a collect's records.
 */
@Module({
  imports: [CollectorModule, SecretModule, PluginModule, JobModule, JobTaskModule, IngestModule, MetricModule],
  providers: [CollectService, CollectDeletionService, JobTraceRepository, StorageExporters, TaskEnding, TaskRunner, TaskWorker],
  exports: [CollectService, CollectDeletionService],
})
export class CollectModule {}
