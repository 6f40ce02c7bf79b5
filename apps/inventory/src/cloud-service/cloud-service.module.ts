import { Module } from '@nestjs/common';
import { ChangeHistoryGrpcController } from './change-history.grpc-controller';
import { ChangeHistoryHttpController } from './change-history.http-controller';
import { ChangeHistoryService } from './change-history.service';
import { CloudServiceTypeGrpcController } from './cloud-service-type.grpc-controller';
import { CloudServiceTypeHttpController } from './cloud-service-type.http-controller';
import { CloudServiceTypeRepository } from './cloud-service-type.repository';
import { CloudServiceTypeService } from './cloud-service-type.service';
import { CloudServiceGrpcController } from './cloud-service.grpc-controller';
import { CloudServiceHttpController } from './cloud-service.http-controller';
import { CloudServiceRepository } from './cloud-service.repository';
import { CloudServiceService } from './cloud-service.service';
import { RegionGrpcController } from './region.grpc-controller';
import { RegionHttpController } from './region.http-controller';
import { RegionRepository } from './region.repository';
import { RegionService } from './region.service';

/** Cloud services, their types and regions: the resource kinds, their tables, their API and change history. */
@Module({
  controllers: [
    CloudServiceGrpcController,
    CloudServiceHttpController,
    CloudServiceTypeGrpcController,
    CloudServiceTypeHttpController,
    RegionGrpcController,
    RegionHttpController,
    ChangeHistoryGrpcController,
    ChangeHistoryHttpController,
  ],
  providers: [
    CloudServiceRepository,
    CloudServiceService,
    CloudServiceTypeRepository,
    CloudServiceTypeService,
    RegionRepository,
    RegionService,
    ChangeHistoryService,
  ],
  exports: [CloudServiceRepository, CloudServiceService],
})
export class CloudServiceModule {}
