/**
 * Error codes as Cloudforet names them on the wire ("ERROR_OPERATOR_LIST_VALUE_TYPE: ...").
 * Every one of them is the caller's fault: map them all to gRPC INVALID_ARGUMENT / HTTP 400.
 */
export type QueryErrorCode =
  | 'ERROR_INVALID_PARAMETER'
  | 'ERROR_INVALID_PARAMETER_TYPE'
  | 'ERROR_REQUIRED_PARAMETER'
  | 'ERROR_OPERATOR_VALUE_TYPE'
  | 'ERROR_OPERATOR_LIST_VALUE_TYPE'
  | 'ERROR_OPERATOR_BOOLEAN_TYPE'
  | 'ERROR_OPERATOR_DICT_VALUE_TYPE'
  | 'ERROR_DB_QUERY';

export const QUERY_ERROR_CODES: readonly QueryErrorCode[] = [
  'ERROR_INVALID_PARAMETER',
  'ERROR_INVALID_PARAMETER_TYPE',
  'ERROR_REQUIRED_PARAMETER',
  'ERROR_OPERATOR_VALUE_TYPE',
  'ERROR_OPERATOR_LIST_VALUE_TYPE',
  'ERROR_OPERATOR_BOOLEAN_TYPE',
  'ERROR_OPERATOR_DICT_VALUE_TYPE',
  'ERROR_DB_QUERY',
];

const MAX_SHOWN = 200;

/** Renders a piece of the request for an error message: JSON, cut short, never throwing. */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** A query the caller got wrong: bad key, operator, value type, page, stage. */
export class QueryError extends Error {
  constructor(
    readonly code: QueryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }

  /** "ERROR_INVALID_PARAMETER: ..." as Cloudforet puts it in the gRPC details. */
  get wireMessage(): string {
    return `${this.code}: ${this.message}`;
  }

  static invalid(key: string, reason: string): QueryError {
    return new QueryError('ERROR_INVALID_PARAMETER', `Parameter is invalid. (key = ${showValue(key)}, reason = ${reason})`);
  }

  static invalidType(key: string, type: string): QueryError {
    return new QueryError('ERROR_INVALID_PARAMETER_TYPE', `Parameter type is invalid. (key = ${showValue(key)}, type = ${type})`);
  }

  static required(key: string): QueryError {
    return new QueryError('ERROR_REQUIRED_PARAMETER', `Required parameter. (key = ${key})`);
  }

  static dbQuery(reason: string): QueryError {
    return new QueryError('ERROR_DB_QUERY', `Query is invalid. (reason = ${reason})`);
  }

  static operatorValue(code: QueryErrorCode, operator: string, requirement: string, condition: unknown): QueryError {
    return new QueryError(code, `The value of '${showValue(operator)} operator' ${requirement}. (${showValue(condition)})`);
  }
}
