import { ErrorCode } from './error-code';

/** An error the caller can act on: its code picks the gRPC and HTTP status, its message is shown as is. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(resource: string, key: string, value: string): AppError {
    return new AppError(
      ErrorCode.NOT_FOUND,
      `${resource} not found or access is denied. (${key} = ${value})`,
    );
  }

  static invalid(message: string): AppError {
    return new AppError(ErrorCode.INVALID_ARGUMENT, message);
  }

  static required(key: string): AppError {
    return new AppError(ErrorCode.REQUIRED_PARAMETER, `Required parameter is missing. (key = ${key})`);
  }

  /** "ERROR_NOT_FOUND: ..." as Cloudforet puts it in the gRPC details. */
  get wireMessage(): string {
    return `${this.code}: ${this.message}`;
  }
}
