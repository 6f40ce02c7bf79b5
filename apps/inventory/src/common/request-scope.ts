import { AppError, ErrorCode } from '@cloud-inventory/grpc';

/** Cloudforet's role types of an access token (`rol`), plus the system token (`typ: SYSTEM_TOKEN`). */
export const ACCESS_ROLES = ['DOMAIN_ADMIN', 'WORKSPACE_OWNER', 'WORKSPACE_MEMBER'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];
export type CallerRole = AccessRole | 'SYSTEM';

/**
 * Whose data a request may see and change, taken from the caller's verified token (never from the
 * request body): every read and write is filtered by it first.
 */
export interface RequestScope {
  domain_id: string;
  role: CallerRole;
  /**
   * The one workspace the caller acts in (WORKSPACE_OWNER / WORKSPACE_MEMBER: the token's `wid`; a
   * system token: `x_workspace_id`). Undefined: the whole domain, where a request's workspace_id
   * only narrows.
   */
  workspace_id?: string;
  /** WORKSPACE_MEMBER: the projects it may see (the token's `projects`); undefined: every project. */
  user_projects?: readonly string[];
  /** The caller's user id (an access token's `aud`), for the change records of its writes. */
  user_id?: string;
}

/** The workspace_id of DOMAIN-level collectors, jobs and secrets. */
export const DOMAIN_WORKSPACE = '*';

const SCOPES = new WeakMap<object, RequestScope>();

/**
 * The authentication guard binds the caller's scope to the call it checked: the gRPC Metadata
 * object, or the HTTP request's headers object (what the controllers receive).
 */
export function bindScope(carrier: object, scope: RequestScope): void {
  SCOPES.set(carrier, scope);
}

/** The scope the guard bound to this call; a call that was never checked is refused (fail closed). */
export function boundScope(carrier: object | undefined): RequestScope {
  const scope = carrier ? SCOPES.get(carrier) : undefined;
  if (!scope) throw new Error('no caller scope is bound to this call: the authentication guard did not run');
  return scope;
}

/**
 * The workspace a new object of the caller goes into: the caller's own for workspace callers (the
 * request's workspace_id cannot choose another, as Cloudforet's injected params override it), else
 * the request's. A workspace caller cannot create DOMAIN-level objects.
 */
export function workspaceForCreate(scope: RequestScope, resourceGroup: string, requestWorkspaceId: string | undefined): { group: string; workspaceId: string } {
  if (scope.workspace_id === undefined) {
    return { group: resourceGroup, workspaceId: resourceGroup === 'DOMAIN' ? DOMAIN_WORKSPACE : requestWorkspaceId ?? '' };
  }
  if (resourceGroup === 'DOMAIN') {
    throw new AppError(ErrorCode.PERMISSION_DENIED, `A ${scope.role} cannot create DOMAIN-level resources (resource_group = DOMAIN).`);
  }
  return { group: resourceGroup, workspaceId: scope.workspace_id };
}
