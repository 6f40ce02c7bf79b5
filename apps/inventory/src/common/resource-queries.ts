import { DataSource } from 'typeorm';
import {
  AnalyzeResult,
  CompileOptions,
  Queryable,
  QueryScope,
  ResourceSchema,
  SearchResult,
  StatResult,
  TypedFilters,
  compileAnalyze,
  compileSearch,
  compileStat,
  runAnalyze,
  runSearch,
  runStat,
} from '@cloud-inventory/query';
import { toQueryJson } from './proto-shape';
import { withQueryErrors } from './query-errors';

/** No list, stat or analyze may hold a connection longer than this. */
export const QUERY_STATEMENT_TIMEOUT_MS = 30_000;

/** A query of the request: the proto message as decoded (Query, StatisticsQuery, AnalyzeQuery), or nothing. */
export type RequestQuery = object | null | undefined;

/**
 * list, stat and analyze of one resource: the request's query compiled against the resource's
 * schema (parameterised SQL, scoped by the caller first), run in one read-only REPEATABLE READ
 * transaction (rows and total_count see the same snapshot) under a statement timeout. Query errors
 * come out as AppErrors (INVALID_ARGUMENT / 400) via withQueryErrors.
 */
export class ResourceQueries {
  constructor(
    private readonly dataSource: DataSource,
    readonly schema: ResourceSchema,
    private readonly timeoutMs = QUERY_STATEMENT_TIMEOUT_MS,
  ) {}

  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters, options?: CompileOptions): Promise<SearchResult> {
    return withQueryErrors(async () => {
      const compiled = compileSearch(this.schema, toQueryJson('spaceone.api.core.v2.Query', query), scope, typedFilters, options);
      return this.readOnly((db) => runSearch(db, compiled));
    });
  }

  stat(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters, options?: CompileOptions): Promise<StatResult> {
    return withQueryErrors(async () => {
      const compiled = compileStat(this.schema, toQueryJson('spaceone.api.core.v2.StatisticsQuery', query), scope, typedFilters, options);
      return this.readOnly((db) => runStat(db, compiled));
    });
  }

  analyze(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters, options?: CompileOptions): Promise<AnalyzeResult> {
    return withQueryErrors(async () => {
      const compiled = compileAnalyze(this.schema, toQueryJson('spaceone.api.core.v2.AnalyzeQuery', query), scope, typedFilters, options);
      return this.readOnly((db) => runAnalyze(db, compiled));
    });
  }

  private async readOnly<T>(run: (db: Queryable) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      try {
        // one round trip (no parameters: the simple protocol takes both statements)
        await runner.query(`SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(this.timeoutMs)}`);
        const result = await run({ query: (text, values) => runner.query(text, values) });
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }
}
