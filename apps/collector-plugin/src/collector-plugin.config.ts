import { z } from 'zod';
import { envAddress, parseConfig } from '@cloud-inventory/config';
import type { MetricsListen } from '@cloud-inventory/observability';

/** Where GET /metrics is served unless METRICS_PORT says otherwise. */
export const DEFAULT_COLLECTOR_METRICS_PORT = 9461;

const schema = z.object({
  /** Where the gRPC server listens. */
  /** Loopback unless told otherwise: a plugin receives decrypted secrets (compose and Kubernetes set their own). */
  COLLECTOR_PLUGIN_LISTEN: envAddress('127.0.0.1:50061'),
  /** The source used when a request's options name none (options.source). */
  COLLECTOR_DEFAULT_SOURCE: z.string().min(1).default('synthetic'),
  /** GET /metrics (Prometheus) on its own small HTTP server: host (this machine only by default) and port, or METRICS_PORT=off. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).optional(),
});

export interface CollectorPluginConfig {
  listen: string;
  defaultSource: string;
  /** None: no metrics server (METRICS_PORT=off, or a test that starts the plugin in process). */
  metrics?: MetricsListen;
}

export function loadCollectorPluginConfig(env: NodeJS.ProcessEnv = process.env): CollectorPluginConfig {
  const parsed = parseConfig(schema, env);
  return {
    listen: parsed.COLLECTOR_PLUGIN_LISTEN,
    defaultSource: parsed.COLLECTOR_DEFAULT_SOURCE,
    metrics:
      parsed.METRICS_PORT === 'off'
        ? undefined
        : { host: parsed.METRICS_HOST, port: parsed.METRICS_PORT ?? DEFAULT_COLLECTOR_METRICS_PORT, explicit: parsed.METRICS_PORT !== undefined },
  };
}

export const COLLECTOR_PLUGIN_CONFIG = Symbol('COLLECTOR_PLUGIN_CONFIG');
