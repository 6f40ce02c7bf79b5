import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { secretV1 } from '@cloud-inventory/proto';
import { ScopeResolver } from '../common/scope-resolver';
import { SecretService } from './secret.service';

@Controller()
@secretV1.SecretControllerMethods()
export class SecretGrpcController implements secretV1.SecretController {
  constructor(
    private readonly secrets: SecretService,
    private readonly scopes: ScopeResolver,
  ) {}

  create(request: secretV1.CreateSecretRequest, metadata?: Metadata) {
    return this.secrets.create(request, this.scopes.fromMetadata(metadata));
  }

  update(request: secretV1.UpdateSecretRequest, metadata?: Metadata) {
    return this.secrets.update(request, this.scopes.fromMetadata(metadata));
  }

  async delete(request: secretV1.SecretRequest, metadata?: Metadata) {
    await this.secrets.delete(request.secret_id, this.scopes.fromMetadata(metadata));
  }

  enable(request: secretV1.SecretRequest, metadata?: Metadata) {
    return this.secrets.setState(request.secret_id, 'ENABLED', this.scopes.fromMetadata(metadata));
  }

  disable(request: secretV1.SecretRequest, metadata?: Metadata) {
    return this.secrets.setState(request.secret_id, 'DISABLED', this.scopes.fromMetadata(metadata));
  }

  async updateData(request: secretV1.UpdateSecretDataRequest, metadata?: Metadata) {
    await this.secrets.updateData(request, this.scopes.fromMetadata(metadata));
  }

  get(request: secretV1.SecretRequest, metadata?: Metadata) {
    return this.secrets.get(request.secret_id, this.scopes.fromMetadata(metadata));
  }

  list(request: secretV1.SecretQuery, metadata?: Metadata) {
    return this.secrets.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: secretV1.SecretStatQuery, metadata?: Metadata) {
    return this.secrets.stat(request, this.scopes.fromMetadata(metadata));
  }
}
