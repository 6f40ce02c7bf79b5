import { Inject, Injectable } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { RequestScope, scopeFromHeaders, scopeFromMetadata } from './request-scope';

@Injectable()
export class ScopeResolver {
  constructor(@Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig) {}

  fromMetadata(metadata: Metadata | undefined): RequestScope {
    return scopeFromMetadata(metadata, this.config.defaultDomainId);
  }

  fromHeaders(headers: Record<string, string | string[] | undefined>): RequestScope {
    return scopeFromHeaders(headers, this.config.defaultDomainId);
  }
}
