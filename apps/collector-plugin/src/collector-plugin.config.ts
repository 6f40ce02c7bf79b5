import { z } from 'zod';
import { envAddress, parseConfig } from '@cloud-inventory/config';

const schema = z.object({
  /** Where the gRPC server listens. */
  COLLECTOR_PLUGIN_LISTEN: envAddress('0.0.0.0:50061'),
  /** The source used when a request's options name none (options.source). */
  COLLECTOR_DEFAULT_SOURCE: z.string().min(1).default('synthetic'),
});

export interface CollectorPluginConfig {
  listen: string;
  defaultSource: string;
}

export function loadCollectorPluginConfig(env: NodeJS.ProcessEnv = process.env): CollectorPluginConfig {
  const parsed = parseConfig(schema, env);
  return { listen: parsed.COLLECTOR_PLUGIN_LISTEN, defaultSource: parsed.COLLECTOR_DEFAULT_SOURCE };
}

export const COLLECTOR_PLUGIN_CONFIG = Symbol('COLLECTOR_PLUGIN_CONFIG');
