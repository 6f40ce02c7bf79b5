import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { ChangeHistoryService } from './change-history.service';

@Controller()
@inventoryV1.ChangeHistoryControllerMethods()
export class ChangeHistoryGrpcController implements inventoryV1.ChangeHistoryController {
  constructor(
    private readonly history: ChangeHistoryService,
    private readonly scopes: ScopeResolver,
  ) {}

  list(request: inventoryV1.ChangeHistoryQuery, metadata?: Metadata) {
    return this.history.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.ChangeHistoryStatQuery, metadata?: Metadata) {
    return this.history.stat(request, this.scopes.fromMetadata(metadata));
  }
}
