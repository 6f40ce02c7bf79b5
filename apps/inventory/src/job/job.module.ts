import { Module } from '@nestjs/common';
import { JobRepository } from './job.repository';
import { JobService } from './job.service';

/** Jobs: their table and read API. Starting and deleting jobs is collect's (collect/). */
@Module({
  providers: [JobRepository, JobService],
  exports: [JobRepository, JobService],
})
export class JobModule {}
