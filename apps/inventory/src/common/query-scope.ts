import type { QueryScope } from '@cloud-inventory/query';
import { RequestScope } from './request-scope';

/** workspace_id of DOMAIN-level collectors and jobs (and secrets): visible from every workspace. */
export const DOMAIN_WORKSPACE = '*';

/**
 * The rows a list/stat/analyze may see: the caller's domain (from its credentials), narrowed to the
 * request's workspace_id when it gives one. These conditions come before any filter of the query,
 * which can only narrow them further.
 *
 * `withDomainLevel`: a workspace also sees the domain-level rows (workspace_id "*"), as Cloudforet's
 * `change_value_by_rule("APPEND", "workspace_id", "*")` does for Collector and Job.
 */
export function queryScope(scope: RequestScope, workspaceId: string | undefined, withDomainLevel = false): QueryScope {
  if (!workspaceId) return { domain_id: scope.domain_id };
  return {
    domain_id: scope.domain_id,
    workspace_id: withDomainLevel && workspaceId !== DOMAIN_WORKSPACE ? [workspaceId, DOMAIN_WORKSPACE] : workspaceId,
  };
}

/** A proto enum filter of a request: its name, or undefined for the "not set" value (…_NONE). */
export function enumFilter(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value === 'NONE' || value.endsWith('_NONE')) return undefined;
  return value;
}
