import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import type { Metadata } from '@grpc/grpc-js';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { contractRpcOfRoute } from '../common/proto-http-bindings';
import { PUBLIC_ROUTE } from '../common/public-route';
import { RequestScope, bindScope } from '../common/request-scope';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { AUTH_RUNTIME, AuthRuntime } from './auth-runtime';
import { PUBLIC_GRPC_SERVICES, RPC_ROLES, RpcRule } from './role-table';
import { TokenRefused, VerifiedToken } from './token-verifier';

/** One answer for every failed authentication: nothing that tells an attacker what was wrong. */
const AUTHENTICATE_FAILURE = 'Authenticate failure.';
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

type Headers = Record<string, string | string[] | undefined>;

/** A gRPC or HTTP call, seen the same way: its RPC, its credentials, and where its scope is bound. */
interface Call {
  rpc?: string;
  token?: string;
  systemDomain?: string;
  systemWorkspace?: string;
  carrier: object;
  peer: string;
}

function first(value: unknown): string | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === 'string' && item !== '' ? item : undefined;
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const snakeCase = (method: string) => method.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * Authentication and authorization of every call, gRPC and HTTP alike: the token (gRPC metadata
 * `token`, HTTP `Authorization: Bearer`) is verified, the caller's role must be one the role table
 * gives the RPC, and the caller's scope (domain, workspace, projects) is bound to the call for the
 * controllers. A system token acts for the domain and workspace in `x_domain_id` / `x_workspace_id`
 * (HTTP: `x-domain-id` / `x-workspace-id`). Health probes, the console's files and /docs are open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private readonly rpcOfRoute = contractRpcOfRoute();

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_RUNTIME) private readonly runtime: AuthRuntime,
    @Inject(INVENTORY_CONFIG) private readonly config: Pick<InventoryConfig, 'defaultDomainId'>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const call = this.callOf(context);
    if (!call) return true; // a public route or service
    const rule = call.rpc ? RPC_ROLES[call.rpc] : undefined;
    if (!rule) {
      // fail closed: an RPC or route the table does not know is nobody's
      this.logger.error(`refused ${call.rpc ?? 'a route with no RPC'}: it has no entry in the role table (auth/role-table.ts)`);
      throw new AppError(ErrorCode.PERMISSION_DENIED, 'Permission denied.');
    }
    if (!this.runtime.verifier) {
      bindScope(call.carrier, { domain_id: this.checkedId(call.systemDomain, 'x_domain_id') ?? this.config.defaultDomainId, role: 'SYSTEM', workspace_id: this.checkedId(call.systemWorkspace, 'x_workspace_id') });
      return true;
    }
    if (!call.token) return this.refuse(call, 'no token');
    let verified: VerifiedToken;
    try {
      verified = await this.runtime.verifier.verify(call.token);
    } catch (error) {
      if (error instanceof TokenRefused) return this.refuse(call, error.message);
      throw error;
    }
    bindScope(call.carrier, this.authorize(call, rule, verified));
    return true;
  }

  private authorize(call: Call, rule: RpcRule, token: VerifiedToken): RequestScope {
    if (token.permissions && !token.permissions.some((granted) => rule.permission.startsWith(granted))) {
      throw this.denied(call, `its permissions do not include ${rule.permission}`);
    }
    if (token.kind === 'system') {
      const domainId = this.checkedId(call.systemDomain, 'x_domain_id');
      if (!domainId) {
        // the plugin registry spans domains; everything else happens in one
        if (rule.system) return { domain_id: '', role: 'SYSTEM' };
        throw new AppError(ErrorCode.REQUIRED_PARAMETER, 'A system token acts for the domain that x_domain_id (HTTP: x-domain-id) names: send it.');
      }
      return { domain_id: domainId, role: 'SYSTEM', workspace_id: this.checkedId(call.systemWorkspace, 'x_workspace_id') };
    }
    if (rule.system || !rule.roles.includes(token.role)) throw this.denied(call, `role ${token.role}`);
    return { domain_id: token.domainId, role: token.role, workspace_id: token.workspaceId, user_projects: token.projects, user_id: token.userId };
  }

  private checkedId(value: string | undefined, name: string): string | undefined {
    if (value !== undefined && !ID.test(value)) throw AppError.invalid(`${name} must be 1-64 characters of [A-Za-z0-9_.-].`);
    return value;
  }

  private denied(call: Call, why: string): AppError {
    this.logger.warn(`permission denied: ${call.rpc} for ${why} (peer ${call.peer})`);
    return new AppError(ErrorCode.PERMISSION_DENIED, `Permission denied. (rpc = ${call.rpc})`);
  }

  /** The reason goes to the server log (never the token); the caller learns nothing from the answer. */
  private refuse(call: Call, reason: string): never {
    this.logger.warn(`authentication failed: ${reason} (rpc ${call.rpc}, peer ${call.peer})`);
    throw new AppError(ErrorCode.UNAUTHENTICATED, AUTHENTICATE_FAILURE);
  }

  private callOf(context: ExecutionContext): Call | undefined {
    if (context.getType() === 'rpc') {
      const patterns = Reflect.getMetadata(PATTERN_METADATA, context.getHandler()) as { service?: string; rpc?: string }[] | undefined;
      const pattern = patterns?.[0];
      if (pattern?.service && PUBLIC_GRPC_SERVICES.has(pattern.service)) return undefined;
      const metadata = context.switchToRpc().getContext<Metadata>();
      const call = context.getArgByIndex(2) as { getPeer?: () => string } | undefined;
      return {
        rpc: pattern?.service && pattern.rpc ? `${pattern.service}.${snakeCase(pattern.rpc)}` : undefined,
        token: first(metadata.get('token')),
        systemDomain: first(metadata.get('x_domain_id')),
        systemWorkspace: first(metadata.get('x_workspace_id')),
        carrier: metadata,
        peer: call?.getPeer?.() ?? 'unknown',
      };
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return undefined;
    const request = context.switchToHttp().getRequest<{ method: string; route?: { path?: string }; headers: Headers; ip?: string }>();
    return {
      rpc: request.route?.path ? this.rpcOfRoute(request.method, request.route.path) : undefined,
      token: bearer(first(request.headers['authorization'])),
      systemDomain: first(request.headers['x-domain-id']),
      systemWorkspace: first(request.headers['x-workspace-id']),
      carrier: request.headers,
      peer: request.ip ?? 'unknown',
    };
  }
}
