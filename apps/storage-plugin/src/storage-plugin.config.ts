import { z } from 'zod';
import { envAddress, parseConfig } from '@cloud-inventory/config';
import type { MetricsListen } from '@cloud-inventory/observability';

/** Where GET /metrics is served unless METRICS_PORT says otherwise. */
export const DEFAULT_STORAGE_METRICS_PORT = 9462;
const schema = z.object({
  /** Where the gRPC server listens. */
  /** Loopback unless told otherwise: a plugin receives decrypted secrets (compose and Kubernetes set their own). */
  STORAGE_PLUGIN_LISTEN: envAddress('127.0.0.1:50062'),
  /** Base folder of the `file` destination; every export lands below it. */
  STORAGE_FILE_DIR: z.string().min(1).default('.data/exports'),
  /**
   * The destination used when a request's options name none (options.destination). Checked
   * against the destinations this build ships when the registry is made, at boot: config is read
   * before (and without knowing) the destinations, which depend on it.
   */
  STORAGE_DEFAULT_DESTINATION: z.string().min(1).default('file'),
  /** GET /metrics (Prometheus) on its own small HTTP server: host (this machine only by default) and port, or METRICS_PORT=off. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).optional(),
});

export interface StoragePluginConfig {
  listen: string;
  fileDir: string;
  defaultDestination: string;
  /** None: no metrics server (METRICS_PORT=off, or a test that starts the plugin in process). */
  metrics?: MetricsListen;
}

export function loadStoragePluginConfig(env: NodeJS.ProcessEnv = process.env): StoragePluginConfig {
  const parsed = parseConfig(schema, env);
  return {
    listen: parsed.STORAGE_PLUGIN_LISTEN,
    fileDir: parsed.STORAGE_FILE_DIR,
    defaultDestination: parsed.STORAGE_DEFAULT_DESTINATION,
    metrics:
      parsed.METRICS_PORT === 'off'
        ? undefined
        : { host: parsed.METRICS_HOST, port: parsed.METRICS_PORT ?? DEFAULT_STORAGE_METRICS_PORT, explicit: parsed.METRICS_PORT !== undefined },
  };
}

export const STORAGE_PLUGIN_CONFIG = Symbol('STORAGE_PLUGIN_CONFIG');
