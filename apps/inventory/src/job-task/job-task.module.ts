import { Module } from '@nestjs/common';
import { CollectModule } from '../collect/collect.module';
import { JobTaskGrpcController } from './job-task.grpc-controller';
import { JobTaskHttpController } from './job-task.http-controller';
import { JobTaskRepository } from './job-task.repository';
import { JobTaskService } from './job-task.service';

@Module({
  imports: [CollectModule],
  controllers: [JobTaskGrpcController, JobTaskHttpController],
  providers: [JobTaskRepository, JobTaskService],
})
export class JobTaskModule {}
