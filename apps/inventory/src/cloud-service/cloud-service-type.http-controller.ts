import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { CloudServiceTypeService } from './cloud-service-type.service';
import { TAGS_LIST_BODY } from './tags-body.pipe';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/cloud-service-type')
export class CloudServiceTypeHttpController {
  constructor(
    private readonly types: CloudServiceTypeService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(TAGS_LIST_BODY, protoBody(`${T}CreateCloudServiceTypeRequest`)) request: inventoryV1.CreateCloudServiceTypeRequest, @Headers() headers: HeaderMap) {
    return this.types.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(TAGS_LIST_BODY, protoBody(`${T}UpdateCloudServiceTypeRequest`)) request: inventoryV1.UpdateCloudServiceTypeRequest, @Headers() headers: HeaderMap) {
    return this.types.update(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}CloudServiceTypeRequest`)) request: inventoryV1.CloudServiceTypeRequest, @Headers() headers: HeaderMap) {
    await this.types.delete(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}CloudServiceTypeRequest`)) request: inventoryV1.CloudServiceTypeRequest, @Headers() headers: HeaderMap) {
    return this.types.get(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}CloudServiceTypeQuery`)) request: inventoryV1.CloudServiceTypeQuery, @Headers() headers: HeaderMap) {
    return this.types.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}CloudServiceTypeStatQuery`)) request: inventoryV1.CloudServiceTypeStatQuery, @Headers() headers: HeaderMap) {
    return this.types.stat(request, this.scopes.fromHeaders(headers));
  }
}
