import { Module } from '@nestjs/common';
import { CollectModule } from '../collect/collect.module';
import { CollectorModule } from '../collector/collector.module';
import { JobTaskModule } from '../job-task/job-task.module';
import { JobModule } from '../job/job.module';
import { CollectorGrpcController } from './collector.grpc-controller';
import { CollectorHttpController } from './collector.http-controller';
import { JobTaskGrpcController } from './job-task.grpc-controller';
import { JobTaskHttpController } from './job-task.http-controller';
import { JobGrpcController } from './job.grpc-controller';
import { JobHttpController } from './job.http-controller';

/**
 * The edge: controllers of the services whose RPCs span modules (Collector.collect and .delete
 * touch jobs; Job.delete and JobTask.delete touch the queue, running tasks and seen-rows). They
 * map and delegate; the rules stay in the feature modules and in collect.
 */
@Module({
  imports: [CollectorModule, JobModule, JobTaskModule, CollectModule],
  controllers: [CollectorGrpcController, CollectorHttpController, JobGrpcController, JobHttpController, JobTaskGrpcController, JobTaskHttpController],
})
export class ApiModule {}
