import { Body, Controller, Headers } from '@nestjs/common';
import { secretV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { SecretService } from './secret.service';

const T = 'spaceone.api.secret.v1.';
type HeaderMap = Record<string, string>;

@Controller('secret/v1/secret')
export class SecretHttpController {
  constructor(
    private readonly secrets: SecretService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('create')
  create(@Body(protoBody(`${T}CreateSecretRequest`)) request: secretV1.CreateSecretRequest, @Headers() headers: HeaderMap) {
    return this.secrets.create(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update')
  update(@Body(protoBody(`${T}UpdateSecretRequest`)) request: secretV1.UpdateSecretRequest, @Headers() headers: HeaderMap) {
    return this.secrets.update(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}SecretRequest`)) request: secretV1.SecretRequest, @Headers() headers: HeaderMap) {
    await this.secrets.delete(request.secret_id, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('enable')
  enable(@Body(protoBody(`${T}SecretRequest`)) request: secretV1.SecretRequest, @Headers() headers: HeaderMap) {
    return this.secrets.setState(request.secret_id, 'ENABLED', this.scopes.fromHeaders(headers));
  }

  @RpcRoute('disable')
  disable(@Body(protoBody(`${T}SecretRequest`)) request: secretV1.SecretRequest, @Headers() headers: HeaderMap) {
    return this.secrets.setState(request.secret_id, 'DISABLED', this.scopes.fromHeaders(headers));
  }

  @RpcRoute('update-data')
  async updateData(
    @Body(protoBody(`${T}UpdateSecretDataRequest`)) request: secretV1.UpdateSecretDataRequest,
    @Headers() headers: HeaderMap,
  ) {
    await this.secrets.updateData(request, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}SecretRequest`)) request: secretV1.SecretRequest, @Headers() headers: HeaderMap) {
    return this.secrets.get(request.secret_id, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}SecretQuery`)) request: secretV1.SecretQuery, @Headers() headers: HeaderMap) {
    return this.secrets.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}SecretStatQuery`)) request: secretV1.SecretStatQuery, @Headers() headers: HeaderMap) {
    return this.secrets.stat(request, this.scopes.fromHeaders(headers));
  }
}
