import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { Metadata } from '@grpc/grpc-js';
import { ErrorCode } from '@cloud-inventory/grpc';
import { boundScope } from '../common/request-scope';
import { AuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

/** A gRPC call of `service.method` as Nest hands it to a guard. */
function grpcCall(service: string, method: string, metadata: Metadata): ExecutionContext {
  const handler = () => undefined;
  Reflect.defineMetadata(PATTERN_METADATA, [{ service, rpc: method }], handler);
  return {
    getType: () => 'rpc',
    getHandler: () => handler,
    getClass: () => Object,
    getArgByIndex: () => ({ getPeer: () => 'test' }),
    switchToRpc: () => ({ getContext: () => metadata }),
  } as unknown as ExecutionContext;
}

const metadataOf = (entries: Record<string, string>) => {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
};

describe('AuthGuard', () => {
  const config = { defaultDomainId: 'domain-default' };

  it('AUTH_DISABLED: lets every call through as a system caller of the default domain, or of x_domain_id', async () => {
    const guard = new AuthGuard(new Reflector(), { notices: [] }, config);
    const bare = metadataOf({});
    expect(await guard.canActivate(grpcCall('Collector', 'create', bare))).toBe(true);
    expect(boundScope(bare)).toEqual({ domain_id: 'domain-default', role: 'SYSTEM', workspace_id: undefined });
    const named = metadataOf({ x_domain_id: 'domain-x', x_workspace_id: 'ws-1' });
    expect(await guard.canActivate(grpcCall('Plugin', 'register', named))).toBe(true);
    expect(boundScope(named)).toEqual({ domain_id: 'domain-x', role: 'SYSTEM', workspace_id: 'ws-1' });
  });

  it('fails closed: an RPC without a role-table entry is refused even with authentication off; probes pass untouched', async () => {
    const disabled = new AuthGuard(new Reflector(), { notices: [] }, config);
    await expect(disabled.canActivate(grpcCall('Collector', 'selfDestruct', metadataOf({})))).rejects.toMatchObject({ code: ErrorCode.PERMISSION_DENIED });
    const enforcing = new AuthGuard(new Reflector(), { verifier: new TokenVerifier({}), notices: [] }, config);
    const probe = metadataOf({});
    expect(await enforcing.canActivate(grpcCall('Health', 'check', probe))).toBe(true);
    expect(() => boundScope(probe)).toThrow('guard did not run');
    await expect(enforcing.canActivate(grpcCall('Collector', 'list', metadataOf({})))).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
  });
});
