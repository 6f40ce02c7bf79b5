import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Domain error codes, named as Cloudforet names them on the wire ("ERROR_NOT_FOUND: ..."),
 * each mapped once to a gRPC status and an HTTP status.
 */
export enum ErrorCode {
  INVALID_ARGUMENT = 'ERROR_INVALID_ARGUMENT',
  REQUIRED_PARAMETER = 'ERROR_REQUIRED_PARAMETER',
  // the query language's errors (libs/query QueryErrorCode), all the caller's fault
  INVALID_PARAMETER = 'ERROR_INVALID_PARAMETER',
  INVALID_PARAMETER_TYPE = 'ERROR_INVALID_PARAMETER_TYPE',
  OPERATOR_VALUE_TYPE = 'ERROR_OPERATOR_VALUE_TYPE',
  OPERATOR_LIST_VALUE_TYPE = 'ERROR_OPERATOR_LIST_VALUE_TYPE',
  OPERATOR_BOOLEAN_TYPE = 'ERROR_OPERATOR_BOOLEAN_TYPE',
  OPERATOR_DICT_VALUE_TYPE = 'ERROR_OPERATOR_DICT_VALUE_TYPE',
  DB_QUERY = 'ERROR_DB_QUERY',
  NOT_FOUND = 'ERROR_NOT_FOUND',
  ALREADY_EXISTS = 'ERROR_ALREADY_EXISTS',
  /** A write to a cloud service that is DELETED (Cloudforet's code, INVALID_ARGUMENT). */
  RESOURCE_ALREADY_DELETED = 'ERROR_RESOURCE_ALREADY_DELETED',
  /** A metric's query_options that do not run (Cloudforet's code, INVALID_ARGUMENT). */
  WRONG_QUERY_OPTIONS = 'ERROR_WRONG_QUERY_OPTIONS',
  /** A MetricData.analyze range that is reversed, too long or too old (Cloudforet's code). */
  INVALID_DATE_RANGE = 'ERROR_INVALID_DATE_RANGE',
  FAILED_PRECONDITION = 'ERROR_FAILED_PRECONDITION',
  COLLECTOR_COLLECTING = 'ERROR_COLLECTOR_COLLECTING',
  /** A per-domain quota (collectors, secrets) is used up. */
  QUOTA_EXCEEDED = 'ERROR_QUOTA_EXCEEDED',
  UNAUTHENTICATED = 'ERROR_AUTHENTICATE_FAILURE',
  PERMISSION_DENIED = 'ERROR_PERMISSION_DENIED',
  PLUGIN_UNAVAILABLE = 'ERROR_GRPC_CONNECTION',
  PLUGIN_ERROR = 'ERROR_PLUGIN',
  INIT_PLUGIN_FAILURE = 'ERROR_INIT_PLUGIN_FAILURE',
  VERIFY_PLUGIN_FAILURE = 'ERROR_VERIFY_PLUGIN_FAILURE',
  TIMEOUT = 'ERROR_REQUEST_TIMEOUT',
  UNIMPLEMENTED = 'ERROR_NOT_IMPLEMENTED',
  INTERNAL = 'ERROR_INTERNAL',
}

export interface StatusMapping {
  grpc: GrpcStatus;
  http: number;
}

export function statusOf(code: ErrorCode): StatusMapping {
  switch (code) {
    case ErrorCode.INVALID_ARGUMENT:
    case ErrorCode.REQUIRED_PARAMETER:
    case ErrorCode.INVALID_PARAMETER:
    case ErrorCode.INVALID_PARAMETER_TYPE:
    case ErrorCode.OPERATOR_VALUE_TYPE:
    case ErrorCode.OPERATOR_LIST_VALUE_TYPE:
    case ErrorCode.OPERATOR_BOOLEAN_TYPE:
    case ErrorCode.OPERATOR_DICT_VALUE_TYPE:
    case ErrorCode.DB_QUERY:
    case ErrorCode.VERIFY_PLUGIN_FAILURE:
    case ErrorCode.RESOURCE_ALREADY_DELETED:
    case ErrorCode.WRONG_QUERY_OPTIONS:
    case ErrorCode.INVALID_DATE_RANGE:
      return { grpc: GrpcStatus.INVALID_ARGUMENT, http: 400 };
    case ErrorCode.NOT_FOUND:
      return { grpc: GrpcStatus.NOT_FOUND, http: 404 };
    case ErrorCode.ALREADY_EXISTS:
      return { grpc: GrpcStatus.ALREADY_EXISTS, http: 409 };
    case ErrorCode.FAILED_PRECONDITION:
    case ErrorCode.COLLECTOR_COLLECTING:
    case ErrorCode.QUOTA_EXCEEDED:
      return { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 };
    case ErrorCode.UNAUTHENTICATED:
      return { grpc: GrpcStatus.UNAUTHENTICATED, http: 401 };
    case ErrorCode.PERMISSION_DENIED:
      return { grpc: GrpcStatus.PERMISSION_DENIED, http: 403 };
    case ErrorCode.PLUGIN_UNAVAILABLE:
      return { grpc: GrpcStatus.UNAVAILABLE, http: 503 };
    case ErrorCode.PLUGIN_ERROR:
    case ErrorCode.INIT_PLUGIN_FAILURE:
      return { grpc: GrpcStatus.FAILED_PRECONDITION, http: 502 };
    case ErrorCode.TIMEOUT:
      return { grpc: GrpcStatus.DEADLINE_EXCEEDED, http: 504 };
    case ErrorCode.UNIMPLEMENTED:
      return { grpc: GrpcStatus.UNIMPLEMENTED, http: 501 };
    case ErrorCode.INTERNAL:
      return { grpc: GrpcStatus.INTERNAL, http: 500 };
  }
}
