import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { CliError, ExitCode, describeFailure, exitCodeOfJobStatus, exitCodeOfStatus } from './exit-codes';

function serviceError(code: GrpcStatus, details: string) {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

describe('exit codes', () => {
  it('give every gRPC status a class', () => {
    expect(exitCodeOfStatus(GrpcStatus.UNAVAILABLE)).toBe(ExitCode.UNREACHABLE);
    expect(exitCodeOfStatus(GrpcStatus.DEADLINE_EXCEEDED)).toBe(ExitCode.UNREACHABLE);
    expect(exitCodeOfStatus(GrpcStatus.NOT_FOUND)).toBe(ExitCode.NOT_FOUND);
    expect(exitCodeOfStatus(GrpcStatus.INVALID_ARGUMENT)).toBe(ExitCode.INVALID_ARGUMENT);
    expect(exitCodeOfStatus(GrpcStatus.UNAUTHENTICATED)).toBe(ExitCode.UNAUTHORIZED);
    expect(exitCodeOfStatus(GrpcStatus.PERMISSION_DENIED)).toBe(ExitCode.UNAUTHORIZED);
    expect(exitCodeOfStatus(GrpcStatus.FAILED_PRECONDITION)).toBe(ExitCode.CONFLICT);
    expect(exitCodeOfStatus(GrpcStatus.ALREADY_EXISTS)).toBe(ExitCode.CONFLICT);
    expect(exitCodeOfStatus(GrpcStatus.INTERNAL)).toBe(ExitCode.SERVER);
    expect(exitCodeOfStatus(99 as GrpcStatus)).toBe(ExitCode.SERVER);
    const distinct = new Set([ExitCode.USAGE, ExitCode.UNREACHABLE, ExitCode.NOT_FOUND, ExitCode.INVALID_ARGUMENT, ExitCode.UNAUTHORIZED, ExitCode.CONFLICT, ExitCode.SERVER]);
    expect(distinct.size).toBe(7);
  });

  it('tell how a followed job ended', () => {
    expect(exitCodeOfJobStatus('SUCCESS')).toBe(0);
    expect(exitCodeOfJobStatus('FAILURE')).toBe(ExitCode.JOB_FAILURE);
    expect(exitCodeOfJobStatus('CANCELED')).toBe(ExitCode.JOB_CANCELED);
    expect(exitCodeOfJobStatus('TIMEOUT')).toBe(ExitCode.JOB_TIMEOUT);
  });

  it('come with one line that says what happened', () => {
    expect(describeFailure(serviceError(GrpcStatus.NOT_FOUND, 'ERROR_NOT_FOUND: Collector not found.'))).toEqual({
      exitCode: ExitCode.NOT_FOUND,
      message: 'NOT_FOUND: ERROR_NOT_FOUND: Collector not found.',
    });
    expect(describeFailure(serviceError(GrpcStatus.UNAVAILABLE, 'No connection established'), 'host:1').message).toMatch(/^The inventory at host:1 did not answer/);
    expect(describeFailure(CliError.usage('bad'))).toEqual({ exitCode: ExitCode.USAGE, message: 'bad' });
    expect(describeFailure(new TypeError('oops'))).toEqual({ exitCode: ExitCode.UNEXPECTED, message: 'Unexpected error: oops' });
  });
});
