import { SqlParams } from './sql-params';
import { SqlType } from './sql-value';

/** One parameterised statement, ready for `pg`'s `query(text, values)`. */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** How a result column becomes part of a result object. */
export interface ResultColumn {
  /** The column's alias in the statement. */
  readonly alias: string;
  /** Where the value goes in the result object (`['collection_info', 'collector_id']`). */
  readonly path: readonly string[];
  readonly type: SqlType;
  /** Leave the key out when the value is NULL (a missing JSON sub-path, as Mongo leaves it out). */
  readonly omitNull: boolean;
}

export interface CompiledSearch {
  readonly kind: 'search';
  /** The page of rows; absent for `count_only`. */
  readonly rows?: SqlStatement;
  /** `total_count`: the number of matching rows before paging. */
  readonly count: SqlStatement;
  readonly columns: readonly ResultColumn[];
}

export interface CompiledStat {
  readonly kind: 'stat';
  readonly rows: SqlStatement;
  /** Present when the query has `page.limit`: `total_count` before paging. */
  readonly count?: SqlStatement;
  /** Result objects are built from these; for `distinct` a single column whose values are the results. */
  readonly columns: readonly ResultColumn[];
  readonly distinct: boolean;
  /** Without a page: the most rows a result may have (one more is fetched to tell). */
  readonly resultCap?: number;
}

export interface CompiledAnalyze {
  readonly kind: 'analyze';
  /** Fetches `limit + 1` rows when paged, so that `more` can be told. */
  readonly rows: SqlStatement;
  readonly columns: readonly ResultColumn[];
  /** The page size asked for; undefined when the query has none. */
  readonly limit?: number;
  /** Without a page: the most rows a result may have (one more is fetched to tell). */
  readonly resultCap?: number;
}

/**
 * A statement over the first `count` parameters of `params`. Checks that each of them is used,
 * so that a statement can never carry a parameter PostgreSQL cannot type.
 */
export function statement(text: string, params: SqlParams, count = params.values.length): SqlStatement {
  const values = params.values.slice(0, count);
  for (let index = 1; index <= values.length; index++) {
    if (!text.includes(`$${index}::`)) {
      throw new Error(`internal error: parameter $${index} is not used in the statement`);
    }
  }
  return { text, values };
}
