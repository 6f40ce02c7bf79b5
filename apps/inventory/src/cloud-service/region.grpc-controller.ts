import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { RegionService } from './region.service';

@Controller()
@inventoryV1.RegionControllerMethods()
export class RegionGrpcController implements inventoryV1.RegionController {
  constructor(
    private readonly regions: RegionService,
    private readonly scopes: ScopeResolver,
  ) {}

  create(request: inventoryV1.CreateRegionRequest, metadata?: Metadata) {
    return this.regions.create(request, this.scopes.fromMetadata(metadata));
  }

  update(request: inventoryV1.UpdateRegionRequest, metadata?: Metadata) {
    return this.regions.update(request, this.scopes.fromMetadata(metadata));
  }

  async delete(request: inventoryV1.RegionRequest, metadata?: Metadata) {
    await this.regions.delete(request, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.RegionRequest, metadata?: Metadata) {
    return this.regions.get(request, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.RegionQuery, metadata?: Metadata) {
    return this.regions.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.RegionStatQuery, metadata?: Metadata) {
    return this.regions.stat(request, this.scopes.fromMetadata(metadata));
  }
}
