export { QueryError, QUERY_ERROR_CODES } from './lib/query-error';
export { MAX_PAGE_START, MAX_UNPAGED_RESULTS } from './lib/query-parts';
export type { QueryErrorCode } from './lib/query-error';
export { defineResourceSchema } from './lib/resource-schema';
export type {
  FieldDefinition,
  FieldType,
  ReferenceDefinition,
  ResourceSchema,
  ResourceSchemaDefinition,
  SchemaField,
  SchemaReference,
  SortKey,
} from './lib/resource-schema';
export type { CompileOptions, QueryScope, TypedFilters } from './lib/query-parts';
export type { CompiledAnalyze, CompiledSearch, CompiledStat, ResultColumn, SqlStatement } from './lib/compiled-query';
export { FILTER_OPERATORS } from './lib/filter-compiler';
export type { FilterOperator } from './lib/filter-compiler';
export { GROUP_OPERATORS, PROJECT_OPERATORS } from './lib/pipeline-compiler';
export { compileSearch } from './lib/search-compiler';
export { compileStat } from './lib/stat-compiler';
export { compileAnalyze } from './lib/analyze-compiler';
export { runAnalyze, runSearch, runStat, toResultObject } from './lib/query-runner';
export type { AnalyzeResult, Queryable, ResultObject, ResultValue, SearchResult, StatResult } from './lib/query-runner';
