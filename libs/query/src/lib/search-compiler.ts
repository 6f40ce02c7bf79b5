import type { coreV2 } from '@cloud-inventory/proto';
import { CompiledSearch, ResultColumn, statement } from './compiled-query';
import { TableScope, keySegments, operandValue } from './key-scope';
import { QueryError } from './query-error';
import {
  CompileOptions,
  QueryScope,
  TypedFilters,
  filterContext,
  pageWindow,
  queryRecord,
  refuseUnsupported,
  sortKeys,
  whereClause,
} from './query-parts';
import { ResourceSchema } from './resource-schema';
import { optionalBoolean, optionalList } from './request-value';
import { SqlParams } from './sql-params';

export const MAX_ONLY_KEYS = 100;

/**
 * A `Query` (list) → the statement for one page of rows and the one for `total_count`.
 *
 * Rows are scoped by `scope` first; `filter`, `filter_or`, `keyword` and `typedFilters` narrow them.
 * Ordered by `sort` (or the schema's default sort), then by the id; paged with a 1-based `start` and a
 * limit capped at the schema's page limit. `only`/`minimal` choose the columns.
 */
export function compileSearch(
  schema: ResourceSchema,
  query: coreV2.Query | Record<string, unknown> | undefined,
  scope: QueryScope,
  typedFilters?: TypedFilters,
  options?: CompileOptions,
): CompiledSearch {
  const request = queryRecord(query);
  refuseUnsupported(request, ['unwind', 'lookup', 'add_fields']);
  const params = new SqlParams();
  const tableScope = new TableScope(schema);
  const where = whereClause(schema, scope, request, typedFilters, filterContext(tableScope, params, options));
  const whereCount = params.values.length;
  const count = statement(`SELECT count(*) AS total FROM ${schema.table} WHERE ${where}`, params, whereCount);

  const sort = sortKeys(request['sort'], 'query.sort');
  const ordering = sort.length > 0 ? sort : [...schema.defaultSort];
  if (!ordering.some((entry) => entry.key === schema.idKey)) ordering.push({ key: schema.idKey, desc: false });

  const columns = resultColumns(schema, request, ordering.map((entry) => entry.key));
  const select = columns.map(({ key, ...column }) => {
    const value = operandValue(tableScope.resolve(key, 'query.only'), params);
    return { sql: `${value.sql} AS ${column.alias}`, result: { ...column, type: value.type } };
  });
  const orderBy = ordering.map((entry) => {
    const value = operandValue(tableScope.resolve(entry.key, 'query.sort.key'), params);
    return entry.desc ? `${value.sql} DESC` : value.sql;
  });

  const countOnly = optionalBoolean(request['count_only'], 'query.count_only');
  const page = pageWindow(request['page'], schema.pageLimit, true);
  if (countOnly || page === undefined) {
    return { kind: 'search', count, columns: select.map((entry) => entry.result) };
  }
  const limit = params.add(page.limit, 'int8');
  const offset = params.add(page.offset, 'int8');
  const rows = statement(
    `SELECT ${select.map((entry) => entry.sql).join(', ')} FROM ${schema.table} WHERE ${where} ` +
      `ORDER BY ${orderBy.join(', ')} LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  return { kind: 'search', rows, count, columns: select.map((entry) => entry.result) };
}

interface ChosenColumn extends Omit<ResultColumn, 'type'> {
  readonly key: string;
}

/** The keys a row shows: `only` (+ sort keys), else `minimal` fields, else every field in results. */
function resultColumns(schema: ResourceSchema, request: Record<string, unknown>, sortKeyNames: readonly string[]): ChosenColumn[] {
  const only = optionalList(request['only'], 'query.only');
  if (only.length > MAX_ONLY_KEYS) throw QueryError.invalid('query.only', `at most ${MAX_ONLY_KEYS} keys are allowed`);
  let keys: string[];
  if (only.length > 0) {
    keys = [...only, ...sortKeyNames].flatMap((key, index) => expandPrefix(schema, key, `query.only[${index}]`));
  } else if (optionalBoolean(request['minimal'], 'query.minimal') && schema.minimalFields.length > 0) {
    keys = [...schema.minimalFields];
  } else {
    keys = [...schema.fields.values()].filter((field) => field.inResults).map((field) => field.key);
  }
  return dropCovered(keys).map((key, index) => {
    const field = schema.fields.get(key);
    return { key, alias: `c${index}`, path: key.split('.'), omitNull: field === undefined };
  });
}

/** `collection_info` in `only` stands for every field below it (`collection_info.collector_id`, …). */
function expandPrefix(schema: ResourceSchema, key: unknown, where: string): string[] {
  const segments = keySegments(key, where);
  const name = segments.join('.');
  if (schema.fields.has(name)) return [name];
  const below = [...schema.fields.values()].filter(
    (field) => field.inResults && field.segments.length > segments.length && segments.every((part, i) => field.segments[i] === part),
  );
  if (below.length > 0) return below.map((field) => field.key);
  new TableScope(schema).resolve(name, where); // a JSON sub-path, or an error naming the key
  return [name];
}

/** Removes duplicates and keys below another chosen key (`data.x` when `data` is chosen). */
function dropCovered(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)];
  return unique.filter((key) => !unique.some((other) => other !== key && key.startsWith(`${other}.`)));
}
