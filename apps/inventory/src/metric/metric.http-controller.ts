import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { MetricService } from './metric.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/metric')
export class MetricHttpController {
  constructor(
    private readonly metrics: MetricService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(protoBody(`${T}CreateMetricRequest`)) request: inventoryV1.CreateMetricRequest, @Headers() headers: HeaderMap) {
    return this.metrics.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(protoBody(`${T}UpdateMetricRequest`)) request: inventoryV1.UpdateMetricRequest, @Headers() headers: HeaderMap) {
    return this.metrics.update(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}MetricRequest`)) request: inventoryV1.MetricRequest, @Headers() headers: HeaderMap) {
    await this.metrics.delete(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('run')
  async run(@Body(protoBody(`${T}MetricRequest`)) request: inventoryV1.MetricRequest, @Headers() headers: HeaderMap) {
    await this.metrics.run(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('test')
  test(@Body(protoBody(`${T}MetricTestRequest`)) request: inventoryV1.MetricTestRequest, @Headers() headers: HeaderMap) {
    return this.metrics.test(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}MetricRequest`)) request: inventoryV1.MetricRequest, @Headers() headers: HeaderMap) {
    return this.metrics.get(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}MetricQuery`)) request: inventoryV1.MetricQuery, @Headers() headers: HeaderMap) {
    return this.metrics.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}MetricStatQuery`)) request: inventoryV1.MetricStatQuery, @Headers() headers: HeaderMap) {
    return this.metrics.stat(request, this.scopes.fromHeaders(headers));
  }
}
