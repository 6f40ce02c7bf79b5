import { status as GrpcStatus } from '@grpc/grpc-js';
import { isServiceError } from '@cloud-inventory/grpc';

/**
 * What the process's exit code says happened (documented in apps/cli/README.md). Scripts branch on
 * these, so a number, once given a meaning, keeps it.
 */
export enum ExitCode {
  OK = 0,
  /** A fault in the CLI itself (a bug): the message says what. */
  UNEXPECTED = 1,
  /** Wrong command line: unknown command or option, a bad filter, a missing value, an unreadable file. */
  USAGE = 2,
  /** The inventory did not answer: nothing listens at the endpoint, TLS failed, or the deadline passed. */
  UNREACHABLE = 3,
  /** gRPC NOT_FOUND: no such collector, secret, job, ... (or not in the caller's domain). */
  NOT_FOUND = 4,
  /** gRPC INVALID_ARGUMENT / OUT_OF_RANGE: the server refused the request (an unknown filter key, a bad option). */
  INVALID_ARGUMENT = 5,
  /** gRPC UNAUTHENTICATED / PERMISSION_DENIED: the token is missing, wrong or not allowed. */
  UNAUTHORIZED = 6,
  /** gRPC ALREADY_EXISTS / FAILED_PRECONDITION / ABORTED: the state does not allow it (a plugin refused, a conflict). */
  CONFLICT = 7,
  /** Any other server error: INTERNAL, UNKNOWN, UNIMPLEMENTED, DATA_LOSS, RESOURCE_EXHAUSTED. */
  SERVER = 8,
  /** `collect --follow`: the job ended FAILURE. */
  JOB_FAILURE = 10,
  /** `collect --follow`: the job ended CANCELED. */
  JOB_CANCELED = 11,
  /** `collect --follow`: the job ended TIMEOUT. */
  JOB_TIMEOUT = 12,
  /** Interrupted (Ctrl-C) while following: the job itself goes on. */
  INTERRUPTED = 130,
}

/** An error the CLI reports as one line on stderr, ending the process with its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }

  static usage(message: string): CliError {
    return new CliError(ExitCode.USAGE, message);
  }
}

export function exitCodeOfStatus(code: GrpcStatus): ExitCode {
  switch (code) {
    case GrpcStatus.OK:
      return ExitCode.OK;
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED:
      return ExitCode.UNREACHABLE;
    case GrpcStatus.NOT_FOUND:
      return ExitCode.NOT_FOUND;
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return ExitCode.INVALID_ARGUMENT;
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.PERMISSION_DENIED:
      return ExitCode.UNAUTHORIZED;
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.ABORTED:
      return ExitCode.CONFLICT;
    case GrpcStatus.INTERNAL:
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.UNIMPLEMENTED:
    case GrpcStatus.DATA_LOSS:
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return ExitCode.SERVER;
  }
  // a code outside the 17 gRPC defines
  return ExitCode.SERVER;
}

/** Any thrown value → the exit code and the one line to print for it. */
export function describeFailure(error: unknown, endpoint?: string): { exitCode: ExitCode; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (isServiceError(error)) {
    const exitCode = exitCodeOfStatus(error.code);
    const statusName = GrpcStatus[error.code] ?? String(error.code);
    if (exitCode === ExitCode.UNREACHABLE) {
      const where = endpoint ? ` at ${endpoint}` : '';
      // grpc-js ends connection errors with an empty "Resolution note: "
      const details = String(error.details ?? '').replace(/\s*Resolution note:\s*$/, '');
      return { exitCode, message: `The inventory${where} did not answer (${statusName}: ${details}).` };
    }
    return { exitCode, message: `${statusName}: ${error.details}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: ExitCode.UNEXPECTED, message: `Unexpected error: ${message}` };
}

/** The exit code of a job that was followed to its end. */
export function exitCodeOfJobStatus(status: string): ExitCode {
  switch (status) {
    case 'SUCCESS':
      return ExitCode.OK;
    case 'CANCELED':
      return ExitCode.JOB_CANCELED;
    case 'TIMEOUT':
      return ExitCode.JOB_TIMEOUT;
    default:
      return ExitCode.JOB_FAILURE;
  }
}
