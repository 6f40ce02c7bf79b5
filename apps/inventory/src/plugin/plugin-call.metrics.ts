import { status as GrpcStatus } from '@grpc/grpc-js';
import { Counter } from 'prom-client';
import { isServiceError } from '@cloud-inventory/grpc';
import { metricsRegistry } from '@cloud-inventory/observability';

const pluginCallErrors = new Counter({
  name: 'inventory_plugin_call_errors_total',
  help: 'Failed calls of the inventory to its plugins, by plugin, method and gRPC status code.',
  labelNames: ['plugin_id', 'method', 'grpc_code'] as const,
  registers: [metricsRegistry()],
});

/** Counts a failed plugin call; an error that is no gRPC status (the call never left) counts as UNKNOWN. */
export function countPluginCallError(pluginId: string, method: string, error: unknown): void {
  const code = isServiceError(error) ? (GrpcStatus[error.code] ?? String(error.code)) : GrpcStatus[GrpcStatus.UNKNOWN];
  pluginCallErrors.inc({ plugin_id: pluginId, method, grpc_code: code });
}
