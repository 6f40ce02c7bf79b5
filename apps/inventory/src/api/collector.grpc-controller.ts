import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectDeletionService } from '../collect/collect-deletion.service';
import { CollectService } from '../collect/collect.service';
import { ScopeResolver } from '../common/scope-resolver';
import { CollectorService } from '../collector/collector.service';

@Controller()
@inventoryV1.CollectorControllerMethods()
export class CollectorGrpcController implements inventoryV1.CollectorController {
  constructor(
    private readonly collectors: CollectorService,
    private readonly collects: CollectService,
    private readonly deletions: CollectDeletionService,
    private readonly scopes: ScopeResolver,
  ) {}

  create(request: inventoryV1.CreateCollectorRequest, metadata?: Metadata) {
    return this.collectors.create(request, this.scopes.fromMetadata(metadata));
  }

  update(request: inventoryV1.UpdateCollectorRequest, metadata?: Metadata) {
    return this.collectors.update(request, this.scopes.fromMetadata(metadata));
  }

  updatePlugin(request: inventoryV1.UpdatePluginRequest, metadata?: Metadata) {
    return this.collectors.updatePlugin(request, this.scopes.fromMetadata(metadata));
  }

  async verifyPlugin(request: inventoryV1.VerifyPluginRequest, metadata?: Metadata) {
    await this.collectors.verifyPlugin(request, this.scopes.fromMetadata(metadata));
  }

  async delete(request: inventoryV1.CollectorRequest, metadata?: Metadata) {
    await this.deletions.deleteCollector(request.collector_id, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.CollectorRequest, metadata?: Metadata) {
    return this.collectors.get(request.collector_id, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.CollectorQuery, metadata?: Metadata) {
    return this.collectors.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.CollectorStatQuery, metadata?: Metadata) {
    return this.collectors.stat(request, this.scopes.fromMetadata(metadata));
  }

  async collect(request: inventoryV1.CollectRequest, metadata?: Metadata) {
    const scope = this.scopes.fromMetadata(metadata);
    return this.collects.collectFromApi(await this.collectors.load(request.collector_id, scope), request.secret_id, scope.user_projects);
  }
}
