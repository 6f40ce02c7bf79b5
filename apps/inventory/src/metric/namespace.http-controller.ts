import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { NamespaceService } from './namespace.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/namespace')
export class NamespaceHttpController {
  constructor(
    private readonly namespaces: NamespaceService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(protoBody(`${T}CreateNamespaceRequest`)) request: inventoryV1.CreateNamespaceRequest, @Headers() headers: HeaderMap) {
    return this.namespaces.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(protoBody(`${T}UpdateNamespaceRequest`)) request: inventoryV1.UpdateNamespaceRequest, @Headers() headers: HeaderMap) {
    return this.namespaces.update(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}NamespaceRequest`)) request: inventoryV1.NamespaceRequest, @Headers() headers: HeaderMap) {
    await this.namespaces.delete(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}NamespaceRequest`)) request: inventoryV1.NamespaceRequest, @Headers() headers: HeaderMap) {
    return this.namespaces.get(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}NamespaceQuery`)) request: inventoryV1.NamespaceQuery, @Headers() headers: HeaderMap) {
    return this.namespaces.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}NamespaceStatQuery`)) request: inventoryV1.NamespaceStatQuery, @Headers() headers: HeaderMap) {
    return this.namespaces.stat(request, this.scopes.fromHeaders(headers));
  }
}
