import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { MetricService, metricInfoForGrpc } from './metric.service';

@Controller()
@inventoryV1.MetricControllerMethods()
export class MetricGrpcController implements inventoryV1.MetricController {
  constructor(
    private readonly metrics: MetricService,
    private readonly scopes: ScopeResolver,
  ) {}

  async create(request: inventoryV1.CreateMetricRequest, metadata?: Metadata) {
    return metricInfoForGrpc(await this.metrics.create(request, this.scopes.fromMetadata(metadata)));
  }

  async update(request: inventoryV1.UpdateMetricRequest, metadata?: Metadata) {
    return metricInfoForGrpc(await this.metrics.update(request, this.scopes.fromMetadata(metadata)));
  }

  async delete(request: inventoryV1.MetricRequest, metadata?: Metadata) {
    await this.metrics.delete(request, this.scopes.fromMetadata(metadata));
  }

  async run(request: inventoryV1.MetricRequest, metadata?: Metadata) {
    await this.metrics.run(request, this.scopes.fromMetadata(metadata));
  }

  test(request: inventoryV1.MetricTestRequest, metadata?: Metadata) {
    return this.metrics.test(request, this.scopes.fromMetadata(metadata));
  }

  async get(request: inventoryV1.MetricRequest, metadata?: Metadata) {
    return metricInfoForGrpc(await this.metrics.get(request, this.scopes.fromMetadata(metadata)));
  }

  async list(request: inventoryV1.MetricQuery, metadata?: Metadata) {
    const { results, total_count } = await this.metrics.list(request, this.scopes.fromMetadata(metadata));
    return { results: results.map(metricInfoForGrpc), total_count };
  }

  stat(request: inventoryV1.MetricStatQuery, metadata?: Metadata) {
    return this.metrics.stat(request, this.scopes.fromMetadata(metadata));
  }
}
