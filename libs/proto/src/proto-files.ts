import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The folder holding the .proto contract. Apps copy it next to their bundle (dist/apps/<app>/proto);
 * in the workspace it is <root>/proto. PROTO_ROOT overrides both.
 */
export function protoRoot(): string {
  const candidates = [
    process.env['PROTO_ROOT'],
    join(__dirname, 'proto'),
    resolve(__dirname, '../../../proto'),
    resolve(process.cwd(), 'proto'),
  ].filter((dir): dir is string => !!dir);
  const found = candidates.find((dir) => existsSync(join(dir, 'spaceone')));
  if (!found) {
    throw new Error(`The .proto contract was not found; looked in ${candidates.join(', ')}. Set PROTO_ROOT.`);
  }
  return found;
}

/** The .proto files of each gRPC surface, relative to protoRoot(). */
export const PROTO_FILES = {
  health: ['grpc/health/v1/health.proto'],
  inventoryV1: [
    'spaceone/api/inventory/v1/collector.proto',
    'spaceone/api/inventory/v1/job.proto',
    'spaceone/api/inventory/v1/job_task.proto',
    'spaceone/api/inventory/v1/cloud_service.proto',
    'spaceone/api/inventory/v1/cloud_service_type.proto',
    'spaceone/api/inventory/v1/region.proto',
    'spaceone/api/inventory/v1/plugin.proto',
    'spaceone/api/inventory/v1/namespace.proto',
    'spaceone/api/inventory/v1/metric.proto',
    'spaceone/api/inventory/v1/metric_data.proto',
    'spaceone/api/inventory/v1/metric_example.proto',
    'spaceone/api/inventory/v1/change_history.proto',
  ],
  secretV1: ['spaceone/api/secret/v1/secret.proto'],
  collectorPlugin: ['spaceone/api/inventory/plugin/collector.proto', 'spaceone/api/inventory/plugin/job.proto'],
  storagePlugin: ['spaceone/api/inventory/plugin/storage.proto'],
} as const;

export const PROTO_PACKAGES = {
  health: 'grpc.health.v1',
  inventoryV1: 'spaceone.api.inventory.v1',
  secretV1: 'spaceone.api.secret.v1',
  inventoryPlugin: 'spaceone.api.inventory.plugin',
} as const;
