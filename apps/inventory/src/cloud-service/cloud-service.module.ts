import { Module } from '@nestjs/common';
import { CloudServiceGrpcController } from './cloud-service.grpc-controller';
import { CloudServiceHttpController } from './cloud-service.http-controller';
import { CloudServiceRepository } from './cloud-service.repository';
import { CloudServiceService } from './cloud-service.service';

/** Cloud services, their types and regions: the resource kinds, their tables and read API. */
@Module({
  controllers: [CloudServiceGrpcController, CloudServiceHttpController],
  providers: [CloudServiceRepository, CloudServiceService],
  exports: [CloudServiceRepository, CloudServiceService],
})
export class CloudServiceModule {}
