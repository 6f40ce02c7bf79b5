import { Injectable } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { RequestScope, boundScope } from './request-scope';

/**
 * The caller's scope in a controller: what the authentication guard (auth/) took from the verified
 * token of this call. Controllers pass the gRPC metadata or the HTTP headers they received.
 */
@Injectable()
export class ScopeResolver {
  fromMetadata(metadata: Metadata | undefined): RequestScope {
    return boundScope(metadata);
  }

  fromHeaders(headers: Record<string, string | string[] | undefined>): RequestScope {
    return boundScope(headers);
  }
}
