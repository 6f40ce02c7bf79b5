import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { ChangeHistoryService } from './change-history.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/change-history')
export class ChangeHistoryHttpController {
  constructor(
    private readonly history: ChangeHistoryService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('list')
  list(@Body(protoBody(`${T}ChangeHistoryQuery`)) request: inventoryV1.ChangeHistoryQuery, @Headers() headers: HeaderMap) {
    return this.history.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}ChangeHistoryStatQuery`)) request: inventoryV1.ChangeHistoryStatQuery, @Headers() headers: HeaderMap) {
    return this.history.stat(request, this.scopes.fromHeaders(headers));
  }
}
