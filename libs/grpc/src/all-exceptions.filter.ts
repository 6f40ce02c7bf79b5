import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { throwError } from 'rxjs';
import { AppError } from './app-error';
import { ErrorCode, statusOf } from './error-code';

export interface AllExceptionsFilterOptions {
  /**
   * The RPC ("Region.list") that the contract binds to an HTTP route no controller serves: such a
   * route answers 501 ERROR_NOT_IMPLEMENTED, as its gRPC method answers UNIMPLEMENTED, not 404.
   */
  unservedRpc?: (method: string, path: string) => string | undefined;
}

interface MappedError {
  code: ErrorCode;
  message: string;
  errorId?: string;
}

/**
 * The one place where errors become statuses, for gRPC and HTTP alike. AppErrors keep their code
 * and message; anything unexpected becomes INTERNAL with an errorId that is also in the log, and
 * never a stack trace or an internal message to the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('AllExceptionsFilter');

  constructor(private readonly options: AllExceptionsFilterOptions = {}) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const request = host.getType() === 'http' ? host.switchToHttp().getRequest<{ method: string; path: string }>() : undefined;
    const mapped = this.map(exception, request);
    const status = statusOf(mapped.code);
    if (host.getType() === 'http') {
      const response = host.switchToHttp().getResponse();
      const body: Record<string, unknown> = { code: mapped.code, message: mapped.message };
      if (mapped.errorId) body['error_id'] = mapped.errorId;
      response.status(status.http).json(body);
      return undefined;
    }
    return throwError(() => ({ code: status.grpc, message: `${mapped.code}: ${mapped.message}` }));
  }

  private map(exception: unknown, request?: { method: string; path: string }): MappedError {
    if (exception instanceof AppError) {
      return { code: exception.code, message: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        const rpc = request && this.options.unservedRpc?.(request.method, request.path);
        if (rpc) return { code: ErrorCode.UNIMPLEMENTED, message: `${rpc} is not implemented yet.` };
        return { code: ErrorCode.NOT_FOUND, message: `No route matches this request.` };
      }
      if (status === 413) return { code: ErrorCode.INVALID_ARGUMENT, message: 'Request body is too large.' };
      if (status >= 400 && status < 500) {
        const message = describeHttpException(exception);
        // Nest turns the body parser's SyntaxError into a 400 carrying its message, which quotes
        // the body (a secret, perhaps): only the position is kept
        if (/\bJSON\b/.test(message) && !message.startsWith('Request body')) return { code: ErrorCode.INVALID_ARGUMENT, message: notValidJson(message) };
        return { code: ErrorCode.INVALID_ARGUMENT, message };
      }
    }
    if (isBodyParseError(exception)) {
      return { code: ErrorCode.INVALID_ARGUMENT, message: notValidJson((exception as Error).message) };
    }
    const errorId = randomUUID();
    this.logger.error(
      { errorId, err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception) },
      'Unexpected error',
    );
    return { code: ErrorCode.INTERNAL, message: `Internal error (error_id = ${errorId}).`, errorId };
  }
}

function notValidJson(parserMessage: string): string {
  const position = /\bat position (\d+)/.exec(parserMessage)?.[1];
  return `Request body is not valid JSON${position ? ` (at position ${position})` : ''}.`;
}

function describeHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function isBodyParseError(exception: unknown): boolean {
  const e = exception as { type?: string; status?: number } | null;
  return !!e && (e.type === 'entity.parse.failed' || (exception instanceof SyntaxError && e.status === 400));
}
