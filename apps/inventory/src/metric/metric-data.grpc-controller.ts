import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { MetricDataService } from './metric-data.service';

@Controller()
@inventoryV1.MetricDataControllerMethods()
export class MetricDataGrpcController implements inventoryV1.MetricDataController {
  constructor(
    private readonly data: MetricDataService,
    private readonly scopes: ScopeResolver,
  ) {}

  list(request: inventoryV1.MetricDataQuery, metadata?: Metadata) {
    return this.data.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.MetricDataStatQuery, metadata?: Metadata) {
    return this.data.stat(request, this.scopes.fromMetadata(metadata));
  }

  analyze(request: inventoryV1.MetricDataAnalyzeQuery, metadata?: Metadata) {
    return this.data.analyze(request, this.scopes.fromMetadata(metadata));
  }
}
