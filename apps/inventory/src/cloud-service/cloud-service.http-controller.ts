import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { notImplemented } from '../common/not-implemented';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { CloudServiceService } from './cloud-service.service';
import { TAGS_LIST_BODY } from './tags-body.pipe';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/cloud-service')
export class CloudServiceHttpController {
  constructor(
    private readonly cloudServices: CloudServiceService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(TAGS_LIST_BODY, protoBody(`${T}CreateServiceRequest`)) request: inventoryV1.CreateServiceRequest, @Headers() headers: HeaderMap) {
    return this.cloudServices.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(TAGS_LIST_BODY, protoBody(`${T}UpdateCloudServiceRequest`)) request: inventoryV1.UpdateCloudServiceRequest, @Headers() headers: HeaderMap) {
    return this.cloudServices.update(request, this.scopes.fromHeaders(headers));
  }

  /** Routes of the contract this version does not serve yet answer 501 ERROR_NOT_IMPLEMENTED, as gRPC answers UNIMPLEMENTED. */
  @RpcRoute('export')
  export(): never {
    return notImplemented('CloudService.export');
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}CloudServiceRequest`)) request: inventoryV1.CloudServiceRequest, @Headers() headers: HeaderMap) {
    await this.cloudServices.delete(request.cloud_service_id, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}CloudServiceRequest`)) request: inventoryV1.CloudServiceRequest, @Headers() headers: HeaderMap) {
    return this.cloudServices.get(request.cloud_service_id, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}CloudServiceQuery`)) request: inventoryV1.CloudServiceQuery, @Headers() headers: HeaderMap) {
    return this.cloudServices.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('analyze')
  analyze(@Body(protoBody(`${T}CloudServiceAnalyzeQuery`)) request: inventoryV1.CloudServiceAnalyzeQuery, @Headers() headers: HeaderMap) {
    return this.cloudServices.analyze(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}CloudServiceStatQuery`)) request: inventoryV1.CloudServiceStatQuery, @Headers() headers: HeaderMap) {
    return this.cloudServices.stat(request, this.scopes.fromHeaders(headers));
  }
}
