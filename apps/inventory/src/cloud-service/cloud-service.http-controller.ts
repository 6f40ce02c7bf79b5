import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { CloudServiceService } from './cloud-service.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/cloud-service')
export class CloudServiceHttpController {
  constructor(
    private readonly cloudServices: CloudServiceService,
    private readonly scopes: ScopeResolver,
  ) {}

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
}
