import { AppError, ErrorCode } from '@cloud-inventory/grpc';

/** Filesystem error codes that mean "this place cannot be written", which an operator can fix. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'ENOSPC', 'EDQUOT', 'EEXIST', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);

/**
 * Turns a filesystem error into FAILED_PRECONDITION naming the path and the errno code (never
 * the request); anything else is rethrown and becomes INTERNAL with an error_id.
 */
export function asUnwritable(error: unknown, what: string): never {
  if (error instanceof AppError) throw error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && UNWRITABLE.has(code)) {
    throw new AppError(ErrorCode.FAILED_PRECONDITION, `${what} (${code}).`);
  }
  throw error;
}
