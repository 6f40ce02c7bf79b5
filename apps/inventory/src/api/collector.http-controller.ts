import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectDeletionService } from '../collect/collect-deletion.service';
import { CollectService } from '../collect/collect.service';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { CollectorService } from '../collector/collector.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/collector')
export class CollectorHttpController {
  constructor(
    private readonly collectors: CollectorService,
    private readonly collects: CollectService,
    private readonly deletions: CollectDeletionService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(protoBody(`${T}CreateCollectorRequest`)) request: inventoryV1.CreateCollectorRequest, @Headers() headers: HeaderMap) {
    return this.collectors.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(protoBody(`${T}UpdateCollectorRequest`)) request: inventoryV1.UpdateCollectorRequest, @Headers() headers: HeaderMap) {
    return this.collectors.update(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update-plugin')
  updatePlugin(@Body(protoBody(`${T}UpdatePluginRequest`)) request: inventoryV1.UpdatePluginRequest, @Headers() headers: HeaderMap) {
    return this.collectors.updatePlugin(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('verify-plugin')
  async verifyPlugin(@Body(protoBody(`${T}VerifyPluginRequest`)) request: inventoryV1.VerifyPluginRequest, @Headers() headers: HeaderMap) {
    await this.collectors.verifyPlugin(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}CollectorRequest`)) request: inventoryV1.CollectorRequest, @Headers() headers: HeaderMap) {
    await this.deletions.deleteCollector(request.collector_id, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}CollectorRequest`)) request: inventoryV1.CollectorRequest, @Headers() headers: HeaderMap) {
    return this.collectors.get(request.collector_id, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}CollectorQuery`)) request: inventoryV1.CollectorQuery, @Headers() headers: HeaderMap) {
    return this.collectors.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}CollectorStatQuery`)) request: inventoryV1.CollectorStatQuery, @Headers() headers: HeaderMap) {
    return this.collectors.stat(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('collect')
  async collect(@Body(protoBody(`${T}CollectRequest`)) request: inventoryV1.CollectRequest, @Headers() headers: HeaderMap) {
    const scope = this.scopes.fromHeaders(headers);
    return this.collects.collectFromApi(await this.collectors.load(request.collector_id, scope), request.secret_id, scope.user_projects);
  }
}
