import { In } from 'typeorm';
import type { QueryScope } from '@cloud-inventory/query';
import { DOMAIN_WORKSPACE, RequestScope } from './request-scope';

export { DOMAIN_WORKSPACE } from './request-scope';

/**
 * The rows a list/stat/analyze may see: the caller's domain (from its token); a workspace caller's
 * own workspace (the request's workspace_id cannot name another: the token's replaces it, as
 * Cloudforet's injected params do); a domain caller's request workspace_id only narrows. A workspace
 * member also sees only its projects' rows (of resources that belong to projects). These conditions
 * come before any filter of the query, which can only narrow them further.
 *
 * `withDomainLevel`: a workspace also sees the domain-level rows (workspace_id "*"), as Cloudforet's
 * `change_value_by_rule("APPEND", "workspace_id", "*")` does for Collector and Job reads.
 */
export function queryScope(scope: RequestScope, workspaceId: string | undefined, withDomainLevel = false): QueryScope {
  const workspace = scope.workspace_id ?? (workspaceId || undefined);
  const projects = scope.user_projects ? { project_id: scope.user_projects } : {};
  if (!workspace) return { domain_id: scope.domain_id, ...projects };
  return {
    domain_id: scope.domain_id,
    workspace_id: withDomainLevel && workspace !== DOMAIN_WORKSPACE ? [workspace, DOMAIN_WORKSPACE] : workspace,
    ...projects,
  };
}

/** A TypeORM `where` of the rows a caller may reach (from rowScope). */
export type RowWhere = Record<string, unknown>;

export interface RowScopeRules {
  /** A workspace caller may also reach the domain-level rows (reads of Collector and Job). */
  withDomainLevel?: boolean;
  /** The rows belong to projects: a workspace member reaches only its own projects' rows. */
  byProject?: boolean;
}

/**
 * The TypeORM `where` of a get, update or delete by id: the caller's domain, its workspace (if it
 * acts in one) and, for a member, its projects. An id outside that is "not found", never a hint
 * that it exists elsewhere.
 */
export function rowScope(scope: RequestScope, rules: RowScopeRules = {}): RowWhere {
  const where: RowWhere = { domain_id: scope.domain_id };
  if (scope.workspace_id !== undefined) {
    where['workspace_id'] = rules.withDomainLevel ? In([scope.workspace_id, DOMAIN_WORKSPACE]) : scope.workspace_id;
  }
  if (rules.byProject && scope.user_projects) where['project_id'] = In([...scope.user_projects]);
  return where;
}

/** A proto enum filter of a request: its name, or undefined for the "not set" value (…_NONE). */
export function enumFilter(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value === 'NONE' || value.endsWith('_NONE')) return undefined;
  return value;
}
