import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { MetricDataService } from './metric-data.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/metric-data')
export class MetricDataHttpController {
  constructor(
    private readonly data: MetricDataService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('list')
  list(@Body(protoBody(`${T}MetricDataQuery`)) request: inventoryV1.MetricDataQuery, @Headers() headers: HeaderMap) {
    return this.data.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}MetricDataStatQuery`)) request: inventoryV1.MetricDataStatQuery, @Headers() headers: HeaderMap) {
    return this.data.stat(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('analyze')
  analyze(@Body(protoBody(`${T}MetricDataAnalyzeQuery`)) request: inventoryV1.MetricDataAnalyzeQuery, @Headers() headers: HeaderMap) {
    return this.data.analyze(request, this.scopes.fromHeaders(headers));
  }
}
