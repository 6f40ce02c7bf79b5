import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { notImplemented } from '../common/not-implemented';
import { ScopeResolver } from '../common/scope-resolver';
import { CloudServiceService } from './cloud-service.service';

@Controller()
@inventoryV1.CloudServiceControllerMethods()
export class CloudServiceGrpcController implements inventoryV1.CloudServiceController {
  constructor(
    private readonly cloudServices: CloudServiceService,
    private readonly scopes: ScopeResolver,
  ) {}

  create(request: inventoryV1.CreateServiceRequest, metadata?: Metadata) {
    return this.cloudServices.create(request, this.scopes.fromMetadata(metadata));
  }

  update(request: inventoryV1.UpdateCloudServiceRequest, metadata?: Metadata) {
    return this.cloudServices.update(request, this.scopes.fromMetadata(metadata));
  }

  async delete(request: inventoryV1.CloudServiceRequest, metadata?: Metadata) {
    await this.cloudServices.delete(request.cloud_service_id, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.CloudServiceRequest, metadata?: Metadata) {
    return this.cloudServices.get(request.cloud_service_id, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.CloudServiceQuery, metadata?: Metadata) {
    return this.cloudServices.list(request, this.scopes.fromMetadata(metadata));
  }

  export(): never {
    return notImplemented('CloudService.export');
  }

  analyze(request: inventoryV1.CloudServiceAnalyzeQuery, metadata?: Metadata) {
    return this.cloudServices.analyze(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.CloudServiceStatQuery, metadata?: Metadata) {
    return this.cloudServices.stat(request, this.scopes.fromMetadata(metadata));
  }
}
