import { status } from '@grpc/grpc-js';
import { AppError, ErrorCode, isServiceError } from '@cloud-inventory/grpc';
import { redactText } from '../common/redact';

/**
 * A failed plugin call as an error for our caller: who failed, where, and the plugin's own
 * message with any secret it echoed removed.
 */
export function pluginCallError(
  pluginId: string,
  endpoint: string,
  method: string,
  error: unknown,
  secrets: string[] = [],
): AppError {
  if (!isServiceError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new AppError(ErrorCode.PLUGIN_ERROR, `Plugin ${pluginId} (${endpoint}) ${method} failed: ${redactText(message, secrets)}`);
  }
  const details = redactText(error.details || error.message, secrets);
  switch (error.code) {
    case status.UNAVAILABLE:
      // never the socket error: "connection refused" against "timed out" would map an internal network
      return new AppError(ErrorCode.PLUGIN_UNAVAILABLE, `Plugin ${pluginId} at ${endpoint} is unreachable (${method}).`);
    case status.DEADLINE_EXCEEDED:
      return new AppError(ErrorCode.TIMEOUT, `Plugin ${pluginId} at ${endpoint} did not answer ${method} in time`);
    case status.UNIMPLEMENTED:
      return new AppError(ErrorCode.PLUGIN_ERROR, `Plugin ${pluginId} at ${endpoint} does not implement ${method}`);
    case status.INVALID_ARGUMENT:
      return new AppError(
        method === 'verify' ? ErrorCode.VERIFY_PLUGIN_FAILURE : ErrorCode.INVALID_ARGUMENT,
        `Plugin ${pluginId} rejected ${method}: ${details}`,
      );
    default:
      return new AppError(ErrorCode.PLUGIN_ERROR, `Plugin ${pluginId} ${method} failed (${status[error.code] ?? error.code}): ${details}`);
  }
}
