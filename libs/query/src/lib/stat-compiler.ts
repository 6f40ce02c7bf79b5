import type { coreV2 } from '@cloud-inventory/proto';
import { CompiledStat, ResultColumn, statement } from './compiled-query';
import { TableScope, operandValue } from './key-scope';
import { Pipeline, RowSet, compileStages, outputColumns } from './pipeline-compiler';
import { QueryError } from './query-error';
import {
  CompileOptions,
  MAX_UNPAGED_RESULTS,
  QueryScope,
  TypedFilters,
  filterContext,
  pageWindow,
  queryRecord,
  whereClause,
} from './query-parts';
import { ResourceSchema } from './resource-schema';
import { JsonRecord, optionalList, optionalString } from './request-value';
import { SqlParams } from './sql-params';
import { SqlValue, jsonbElements } from './sql-value';

/** The filtered, scoped table as the first CTE of a pipeline. */
export function pipelineBase(
  schema: ResourceSchema,
  request: JsonRecord,
  scope: QueryScope,
  typedFilters: TypedFilters | undefined,
  options: CompileOptions | undefined,
): { pipeline: Pipeline; rows: RowSet } {
  const params = new SqlParams();
  const tableScope = new TableScope(schema);
  const context = filterContext(tableScope, params, options);
  const where = whereClause(schema, scope, request, typedFilters, context);
  const pipeline = new Pipeline(params, context.now);
  const cte = pipeline.cte(`SELECT * FROM ${schema.table} WHERE ${where}`);
  return { pipeline, rows: { kind: 'table', cte, scope: tableScope } };
}

/**
 * A `StatisticsQuery` → SQL. `aggregate` stages run in order over the scoped, filtered rows; or
 * `distinct` gives the sorted distinct values of one key. With `page.limit` the result is paged and
 * `total_count` (before paging) is counted.
 */
export function compileStat(
  schema: ResourceSchema,
  query: coreV2.StatisticsQuery | Record<string, unknown> | undefined,
  scope: QueryScope,
  typedFilters?: TypedFilters,
  options?: CompileOptions,
): CompiledStat {
  const request = queryRecord(query);
  const aggregate = optionalList(request['aggregate'], 'query.aggregate');
  const distinct = optionalString(request['distinct'], 'query.distinct');
  if (aggregate.length === 0 && distinct === undefined) throw QueryError.required('aggregate');
  const page = pageWindow(request['page'], schema.pageLimit, options?.alwaysPage ?? false);

  if (aggregate.length === 0 && distinct !== undefined) {
    return compileDistinct(schema, request, scope, typedFilters, options, distinct, page);
  }
  const { pipeline, rows } = pipelineBase(schema, request, scope, typedFilters, options);
  const result = compileStages(pipeline, rows, aggregate, 'query.aggregate');
  const { params } = pipeline;
  const count = page === undefined ? undefined : statement(pipeline.with(`SELECT count(*) AS total FROM ${result.cte}`), params);
  const output = outputColumns(pipeline, result);
  const order = result.order === undefined ? '' : ` ORDER BY ${result.order}`;
  const paging = page === undefined ? unpagedLimit(params) : ` LIMIT ${params.add(page.limit, 'int8')} OFFSET ${params.add(page.offset, 'int8')}`;
  const rowsStatement = statement(pipeline.with(`SELECT ${output.select.join(', ') || 'NULL AS c'} FROM ${result.cte}${order}${paging}`), params);
  return { kind: 'stat', rows: rowsStatement, count, columns: output.columns, distinct: false, resultCap: page === undefined ? MAX_UNPAGED_RESULTS : undefined };
}

function compileDistinct(
  schema: ResourceSchema,
  request: JsonRecord,
  scope: QueryScope,
  typedFilters: TypedFilters | undefined,
  options: CompileOptions | undefined,
  distinct: string,
  page: { offset: number; limit: number } | undefined,
): CompiledStat {
  const params = new SqlParams();
  const tableScope = new TableScope(schema);
  const where = whereClause(schema, scope, request, typedFilters, filterContext(tableScope, params, options));
  const value = operandValue(tableScope.resolve(distinct, 'query.distinct'), params);
  let inner: string;
  let type: SqlValue['type'];
  if (value.type === 'jsonb') {
    // values of arrays count one by one, as Mongo's distinct does
    inner = `SELECT DISTINCT e.__v AS c0 FROM ${schema.table} CROSS JOIN LATERAL ${jsonbElements(value.sql)} AS e(__v) WHERE ${where} AND jsonb_typeof(e.__v) <> 'null'`;
    type = 'jsonb';
  } else if (value.type === 'text[]') {
    inner = `SELECT DISTINCT e.__v AS c0 FROM ${schema.table} CROSS JOIN LATERAL unnest(${value.sql}) AS e(__v) WHERE ${where} AND e.__v IS NOT NULL`;
    type = 'text';
  } else {
    inner = `SELECT DISTINCT ${value.sql} AS c0 FROM ${schema.table} WHERE ${where} AND ${value.sql} IS NOT NULL`;
    type = value.type;
  }
  const count = page === undefined ? undefined : statement(`SELECT count(*) AS total FROM (${inner}) AS d`, params);
  const paging = page === undefined ? unpagedLimit(params) : ` LIMIT ${params.add(page.limit, 'int8')} OFFSET ${params.add(page.offset, 'int8')}`;
  const rows = statement(`${inner} ORDER BY 1${paging}`, params);
  const columns: ResultColumn[] = [{ alias: 'c0', path: [], type, omitNull: false }];
  return { kind: 'stat', rows, count, columns, distinct: true, resultCap: page === undefined ? MAX_UNPAGED_RESULTS : undefined };
}

/** Without a page, one row more than MAX_UNPAGED_RESULTS: the runner refuses a result that has it. */
export function unpagedLimit(params: SqlParams): string {
  return ` LIMIT ${params.add(MAX_UNPAGED_RESULTS + 1, 'int8')}`;
}
