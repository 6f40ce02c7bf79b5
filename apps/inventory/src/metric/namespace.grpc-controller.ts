import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { NamespaceService } from './namespace.service';

@Controller()
@inventoryV1.NamespaceControllerMethods()
export class NamespaceGrpcController implements inventoryV1.NamespaceController {
  constructor(
    private readonly namespaces: NamespaceService,
    private readonly scopes: ScopeResolver,
  ) {}

  create(request: inventoryV1.CreateNamespaceRequest, metadata?: Metadata) {
    return this.namespaces.create(request, this.scopes.fromMetadata(metadata));
  }

  update(request: inventoryV1.UpdateNamespaceRequest, metadata?: Metadata) {
    return this.namespaces.update(request, this.scopes.fromMetadata(metadata));
  }

  async delete(request: inventoryV1.NamespaceRequest, metadata?: Metadata) {
    await this.namespaces.delete(request, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.NamespaceRequest, metadata?: Metadata) {
    return this.namespaces.get(request, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.NamespaceQuery, metadata?: Metadata) {
    return this.namespaces.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.NamespaceStatQuery, metadata?: Metadata) {
    return this.namespaces.stat(request, this.scopes.fromMetadata(metadata));
  }
}
