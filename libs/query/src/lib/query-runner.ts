import { CompiledAnalyze, CompiledSearch, CompiledStat, ResultColumn, SqlStatement } from './compiled-query';
import { QueryError } from './query-error';

/**
 * Anything that runs a parameterised statement: a `pg` Pool or Client (`{ rows }`), or a TypeORM
 * DataSource/QueryRunner (`query(text, params)` resolving to the rows themselves).
 */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export type ResultValue = null | boolean | number | string | ResultValue[] | { [key: string]: ResultValue };
export type ResultObject = { [key: string]: ResultValue };

export interface SearchResult {
  results: ResultObject[];
  total_count: number;
}

export interface StatResult {
  results: ResultValue[];
  total_count?: number;
}

export interface AnalyzeResult {
  results: ResultObject[];
  more: boolean;
}

/** PostgreSQL's invalid_regular_expression: a regex the request sent that PostgreSQL's engine rejects. */
const INVALID_REGULAR_EXPRESSION = '2201B';

async function rowsOf(db: Queryable, sql: SqlStatement): Promise<Record<string, unknown>[]> {
  let result: unknown;
  try {
    result = await db.query(sql.text, [...sql.values]);
  } catch (error) {
    if ((error as { code?: unknown }).code === INVALID_REGULAR_EXPRESSION) {
      throw QueryError.invalid('query.filter', `the regular expression is invalid (${(error as Error).message})`);
    }
    throw error;
  }
  const rows = Array.isArray(result) ? result : (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error('query() returned neither rows nor { rows }');
  return rows as Record<string, unknown>[];
}

function decode(value: unknown, column: ResultColumn): ResultValue {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'int':
    case 'numeric':
    case 'float': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(number) ? number : null;
    }
    case 'timestamptz': {
      const date = value instanceof Date ? value : new Date(String(value));
      return Number.isFinite(date.getTime()) ? date.toISOString() : String(value);
    }
    case 'text':
    case 'bool':
    case 'jsonb':
    case 'text[]':
      return value as ResultValue;
  }
}

function ownValue(target: ResultObject, key: string): ResultValue | undefined {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

/** Sets an own property, so that a key like `__proto__` stays a plain key. */
function setOwn(target: ResultObject, key: string, value: ResultValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Puts each column's value at its path (`collection_info.collector_id` → nested objects). */
export function toResultObject(row: Record<string, unknown>, columns: readonly ResultColumn[]): ResultObject {
  const result: ResultObject = {};
  const made = new Set<ResultObject>([result]);
  for (const column of columns) {
    const value = decode(row[column.alias], column);
    if (value === null && column.omitNull) continue;
    let target = result;
    for (const segment of column.path.slice(0, -1)) {
      const next = ownValue(target, segment);
      let child: ResultObject;
      if (typeof next !== 'object' || next === null || Array.isArray(next)) child = {};
      else if (made.has(next)) child = next;
      else child = { ...next }; // a value read from a jsonb column: copy before writing below it
      made.add(child);
      setOwn(target, segment, child);
      target = child;
    }
    setOwn(target, column.path[column.path.length - 1], value);
  }
  return result;
}

async function countOf(db: Queryable, sql: SqlStatement): Promise<number> {
  const rows = await rowsOf(db, sql);
  return Number(rows[0]?.['total'] ?? 0);
}

// The statements of one request run one after the other: a pg Client or a TypeORM QueryRunner
// takes one statement at a time.

export async function runSearch(db: Queryable, compiled: CompiledSearch): Promise<SearchResult> {
  const rows = compiled.rows === undefined ? [] : await rowsOf(db, compiled.rows);
  const total = await countOf(db, compiled.count);
  return { results: rows.map((row) => toResultObject(row, compiled.columns)), total_count: total };
}

/** A stat or analyze without a page that has more rows than its cap is refused, not cut short silently. */
function checkCap(rows: unknown[], cap: number | undefined): void {
  if (cap !== undefined && rows.length > cap) {
    throw QueryError.invalid('query.page', `the result has more than ${cap} rows: add page.limit (and page.start) or narrow the query`);
  }
}

export async function runStat(db: Queryable, compiled: CompiledStat): Promise<StatResult> {
  const rows = await rowsOf(db, compiled.rows);
  checkCap(rows, compiled.resultCap);
  const total = compiled.count === undefined ? undefined : await countOf(db, compiled.count);
  const results = compiled.distinct
    ? rows.map((row) => decode(row[compiled.columns[0].alias], compiled.columns[0]))
    : rows.map((row) => toResultObject(row, compiled.columns));
  return total === undefined ? { results } : { results, total_count: total };
}

export async function runAnalyze(db: Queryable, compiled: CompiledAnalyze): Promise<AnalyzeResult> {
  const rows = await rowsOf(db, compiled.rows);
  checkCap(rows, compiled.resultCap);
  const results = rows.map((row) => toResultObject(row, compiled.columns));
  if (compiled.limit === undefined) return { results, more: false };
  return { results: results.slice(0, compiled.limit), more: results.length > compiled.limit };
}
