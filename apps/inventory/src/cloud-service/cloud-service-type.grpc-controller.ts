import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { CloudServiceTypeService } from './cloud-service-type.service';

@Controller()
@inventoryV1.CloudServiceTypeControllerMethods()
export class CloudServiceTypeGrpcController implements inventoryV1.CloudServiceTypeController {
  constructor(
    private readonly types: CloudServiceTypeService,
    private readonly scopes: ScopeResolver,
  ) {}

  create(request: inventoryV1.CreateCloudServiceTypeRequest, metadata?: Metadata) {
    return this.types.create(request, this.scopes.fromMetadata(metadata));
  }

  update(request: inventoryV1.UpdateCloudServiceTypeRequest, metadata?: Metadata) {
    return this.types.update(request, this.scopes.fromMetadata(metadata));
  }

  async delete(request: inventoryV1.CloudServiceTypeRequest, metadata?: Metadata) {
    await this.types.delete(request, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.CloudServiceTypeRequest, metadata?: Metadata) {
    return this.types.get(request, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.CloudServiceTypeQuery, metadata?: Metadata) {
    return this.types.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.CloudServiceTypeStatQuery, metadata?: Metadata) {
    return this.types.stat(request, this.scopes.fromMetadata(metadata));
  }
}
