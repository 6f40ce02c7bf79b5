import { FilterContext, compileFilterGroups } from './filter-compiler';
import { KeyScope } from './key-scope';
import { QueryError } from './query-error';
import { ResourceSchema, SortKey } from './resource-schema';
import {
  JsonRecord,
  checkText,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalList,
  optionalRecord,
  optionalString,
} from './request-value';
import { SqlParams } from './sql-params';

/**
 * Whose rows a query may see: the caller's domain (from its credentials) and, when given,
 * workspace(s) and the projects a workspace member may see (applied to resources whose schema has
 * a project column; the others do not belong to projects).
 */
export interface QueryScope {
  readonly domain_id: string;
  readonly workspace_id?: string | readonly string[];
  readonly project_id?: readonly string[];
}

/**
 * Filters a service adds from its request message (e.g. `JobsQuery.status`, `collector_id`): each
 * becomes `eq`, or `in` for a list. Undefined, null and '' (proto3 defaults) are skipped.
 */
export type TypedFilters = Readonly<Record<string, unknown>>;

export interface CompileOptions {
  /** The clock for `timediff_*` values; defaults to the current time. */
  readonly now?: Date;
  /**
   * stat/analyze: give a query without `page.limit` the schema's page limit, as Cloudforet's
   * `set_query_page_limit` does for Job.stat and Job.analyze. Search always caps its page.
   */
  readonly alwaysPage?: boolean;
}

export const MAX_KEYWORD_WORDS = 32;
export const MAX_SORT_KEYS = 16;

export function queryRecord(query: unknown): JsonRecord {
  if (query === undefined || query === null) return {};
  if (!isRecord(query)) throw QueryError.invalidType('query', 'dict');
  return query;
}

/** `domain_id = $1 [AND workspace_id = $2 | = ANY($2)] [AND project_id = ANY($3)]`, always first in the WHERE clause. */
export function scopeCondition(schema: ResourceSchema, scope: QueryScope, params: SqlParams): string {
  if (!isRecord(scope) || typeof scope.domain_id !== 'string' || scope.domain_id === '') {
    throw new Error('the query scope needs the caller domain_id');
  }
  const parts = [`${schema.domainColumn} = ${params.add(checkText(scope.domain_id, 'domain_id'), 'text')}`];
  const workspace = scope.workspace_id;
  if (workspace !== undefined) {
    if (schema.workspaceColumn === undefined) throw new Error(`${schema.resource} has no workspace column`);
    if (typeof workspace === 'string') {
      parts.push(`${schema.workspaceColumn} = ${params.add(checkText(workspace, 'workspace_id'), 'text')}`);
    } else if (Array.isArray(workspace) && workspace.every((item) => typeof item === 'string')) {
      parts.push(`${schema.workspaceColumn} = ANY(${params.add(workspace.map((item) => checkText(item, 'workspace_id')), 'text[]')})`);
    } else {
      throw new Error('workspace_id in the query scope must be a string or a list of strings');
    }
  }
  const projects = scope.project_id;
  // only a resource that belongs to projects (its schema names a project column) is narrowed by them
  if (projects !== undefined && schema.projectColumn !== undefined) {
    if (!Array.isArray(projects) || !projects.every((item) => typeof item === 'string')) {
      throw new Error('project_id in the query scope must be a list of strings');
    }
    parts.push(`${schema.projectColumn} = ANY(${params.add(projects.map((item) => checkText(item, 'project_id')), 'text[]')})`);
  }
  return parts.join(' AND ');
}

/**
 * The WHERE clause of a query: scope first, then typed filters and `filter` (ANDed), then `filter_or`
 * (ORed, with the keyword conditions appended as Cloudforet's append_keyword_filter does).
 */
export function whereClause(
  schema: ResourceSchema,
  scope: QueryScope,
  query: JsonRecord,
  typedFilters: TypedFilters | undefined,
  context: FilterContext,
): string {
  const scoped = scopeCondition(schema, scope, context.params);
  const filter = [...typedFilterConditions(typedFilters), ...optionalList(query['filter'], 'query.filter')];
  const filterOr = [...optionalList(query['filter_or'], 'query.filter_or'), ...keywordConditions(schema, query['keyword'])];
  const filters = compileFilterGroups(context, filter, filterOr, 'query');
  return filters === undefined ? scoped : `${scoped} AND ${filters}`;
}

function typedFilterConditions(typedFilters: TypedFilters | undefined): JsonRecord[] {
  if (typedFilters === undefined) return [];
  return Object.entries(typedFilters)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => ({ k: key, v: value, o: Array.isArray(value) ? 'in' : 'eq' }));
}

function keywordConditions(schema: ResourceSchema, keyword: unknown): JsonRecord[] {
  const text = optionalString(keyword, 'query.keyword')?.trim();
  if (!text) return [];
  const words = text.split(/\s+/).filter((word) => word !== '');
  if (words.length > MAX_KEYWORD_WORDS) throw QueryError.invalid('query.keyword', `at most ${MAX_KEYWORD_WORDS} words`);
  return schema.keywordFields.map((key) => ({ k: key, v: words, o: 'contain_in' }));
}

/** Sort keys: v2's list of `{key, desc}`, or v1's single `{key, desc, keys: [...]}`. */
export function sortKeys(value: unknown, where: string): Required<SortKey>[] {
  if (value === undefined || value === null) return [];
  let list: unknown[];
  if (Array.isArray(value)) {
    list = value;
  } else if (isRecord(value)) {
    list = [
      ...(value['key'] === undefined || value['key'] === null || value['key'] === '' ? [] : [value]),
      ...optionalList(value['keys'], `${where}.keys`),
    ];
  } else {
    throw QueryError.invalidType(where, 'list');
  }
  if (list.length > MAX_SORT_KEYS) throw QueryError.invalid(where, `at most ${MAX_SORT_KEYS} sort keys are allowed`);
  return list.map((item, index) => {
    const entry = optionalRecord(item, `${where}[${index}]`);
    if (entry === undefined) throw QueryError.invalidType(`${where}[${index}]`, 'dict');
    const key = entry['key'];
    if (typeof key !== 'string' || key === '') throw QueryError.required(`${where}[${index}].key`);
    return { key, desc: optionalBoolean(entry['desc'], `${where}[${index}].desc`) };
  });
}

/** The largest `page.start`: an OFFSET past it costs a scan of that many rows; narrow the filter instead. */
export const MAX_PAGE_START = 1_000_000;
/** Rows a stat or analyze without `page.limit` may have; past it, INVALID_ARGUMENT (add a page). */
export const MAX_UNPAGED_RESULTS = 10_000;

export interface PageWindow {
  readonly offset: number;
  readonly limit: number;
}

/**
 * `page {start, limit}`: start is 1-based (below 1 → 1); a limit above `cap` becomes `cap`. A limit
 * that is missing or ≤ 0 means no page, unless `capWhenMissing` (Cloudforet's set_query_page_limit).
 */
export function pageWindow(value: unknown, cap: number, capWhenMissing: boolean, where = 'query.page'): PageWindow | undefined {
  const page = optionalRecord(value, where) ?? {};
  const start = Math.max(1, optionalInteger(page['start'], `${where}.start`) ?? 1);
  if (start > MAX_PAGE_START) throw QueryError.invalid(`${where}.start`, `page.start may be at most ${MAX_PAGE_START}; narrow the filter`);
  const asked = optionalInteger(page['limit'], `${where}.limit`) ?? 0;
  if (asked <= 0) return capWhenMissing ? { offset: start - 1, limit: cap } : undefined;
  return { offset: start - 1, limit: Math.min(asked, cap) };
}

/** Everything in a query that this compiler does not implement, refused by name. */
export function refuseUnsupported(query: JsonRecord, keys: readonly string[]): void {
  for (const key of keys) {
    const value = query[key];
    const unset =
      value === undefined ||
      value === null ||
      (Array.isArray(value) && value.length === 0) ||
      (isRecord(value) && Object.keys(value).length === 0);
    if (!unset) throw QueryError.invalid(`query.${key}`, 'not supported');
  }
}

export function filterContext(scope: KeyScope, params: SqlParams, options: CompileOptions | undefined): FilterContext {
  return { scope, params, now: options?.now ?? new Date() };
}
