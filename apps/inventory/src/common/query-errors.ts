import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { QueryError, QueryErrorCode } from '@cloud-inventory/query';
import { pgError } from './sql-rows';

/** Each code of the query language, as the ErrorCode that carries it (all INVALID_ARGUMENT / 400). */
const QUERY_ERROR_CODES: Record<QueryErrorCode, ErrorCode> = {
  ERROR_INVALID_PARAMETER: ErrorCode.INVALID_PARAMETER,
  ERROR_INVALID_PARAMETER_TYPE: ErrorCode.INVALID_PARAMETER_TYPE,
  ERROR_REQUIRED_PARAMETER: ErrorCode.REQUIRED_PARAMETER,
  ERROR_OPERATOR_VALUE_TYPE: ErrorCode.OPERATOR_VALUE_TYPE,
  ERROR_OPERATOR_LIST_VALUE_TYPE: ErrorCode.OPERATOR_LIST_VALUE_TYPE,
  ERROR_OPERATOR_BOOLEAN_TYPE: ErrorCode.OPERATOR_BOOLEAN_TYPE,
  ERROR_OPERATOR_DICT_VALUE_TYPE: ErrorCode.OPERATOR_DICT_VALUE_TYPE,
  ERROR_DB_QUERY: ErrorCode.DB_QUERY,
};

/** PostgreSQL's query_canceled: what statement_timeout raises. */
const QUERY_CANCELED = '57014';

/**
 * A failure of a list/stat/analyze query as the caller sees it: a QueryError (the caller's query is
 * wrong) keeps its code and message, so the wire says "ERROR_DB_QUERY: Query is invalid. (…)" as
 * Cloudforet does; a PostgreSQL data exception (class 22: a value out of range, a bad cast of a value
 * the request sent) is ERROR_DB_QUERY too, without PostgreSQL's text; a query that ran past the
 * statement timeout is ERROR_REQUEST_TIMEOUT. Anything else is rethrown as it is (INTERNAL at the edge).
 */
export function queryFailure(error: unknown): unknown {
  if (error instanceof QueryError) return new AppError(QUERY_ERROR_CODES[error.code], error.message);
  const code = pgError(error).code;
  if (typeof code === 'string' && code.startsWith('22')) {
    return new AppError(ErrorCode.DB_QUERY, `Query is invalid. (reason = the database rejected a value of the query, SQLSTATE ${code})`);
  }
  if (code === QUERY_CANCELED) {
    return new AppError(ErrorCode.TIMEOUT, 'The query took too long and was canceled; narrow it with filters or a page.');
  }
  return error;
}

/** Runs a query, turning its failures into what the caller should see (see queryFailure). */
export async function withQueryErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw queryFailure(error);
  }
}
