import { Module } from '@nestjs/common';
import { JobGrpcController } from './job.grpc-controller';
import { JobHttpController } from './job.http-controller';
import { JobRepository } from './job.repository';
import { JobService } from './job.service';

@Module({
  controllers: [JobGrpcController, JobHttpController],
  providers: [JobRepository, JobService],
  exports: [JobRepository],
})
export class JobModule {}
