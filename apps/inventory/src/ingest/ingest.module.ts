import { Module } from '@nestjs/common';
import { JobTaskModule } from '../job-task/job-task.module';
import { IngestRepository } from './ingest.repository';

/** Writing what collects find: resources in batches, collect_seen, disconnecting what a run did not see. */
@Module({
  imports: [JobTaskModule],
  providers: [IngestRepository],
  exports: [IngestRepository],
})
export class IngestModule {}
