import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { RegionService } from './region.service';
import { TAGS_LIST_BODY } from './tags-body.pipe';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/region')
export class RegionHttpController {
  constructor(
    private readonly regions: RegionService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(TAGS_LIST_BODY, protoBody(`${T}CreateRegionRequest`)) request: inventoryV1.CreateRegionRequest, @Headers() headers: HeaderMap) {
    return this.regions.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(TAGS_LIST_BODY, protoBody(`${T}UpdateRegionRequest`)) request: inventoryV1.UpdateRegionRequest, @Headers() headers: HeaderMap) {
    return this.regions.update(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}RegionRequest`)) request: inventoryV1.RegionRequest, @Headers() headers: HeaderMap) {
    await this.regions.delete(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}RegionRequest`)) request: inventoryV1.RegionRequest, @Headers() headers: HeaderMap) {
    return this.regions.get(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}RegionQuery`)) request: inventoryV1.RegionQuery, @Headers() headers: HeaderMap) {
    return this.regions.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}RegionStatQuery`)) request: inventoryV1.RegionStatQuery, @Headers() headers: HeaderMap) {
    return this.regions.stat(request, this.scopes.fromHeaders(headers));
  }
}
