import { z } from 'zod';
import { envAddress, parseConfig } from '@cloud-inventory/config';
const schema = z.object({
  /** Where the gRPC server listens. */
  STORAGE_PLUGIN_LISTEN: envAddress('0.0.0.0:50062'),
  /** Base folder of the `file` destination; every export lands below it. */
  STORAGE_FILE_DIR: z.string().min(1).default('.data/exports'),
  /**
   * The destination used when a request's options name none (options.destination). Checked
   * against the destinations this build ships when the registry is made, at boot: config is read
   * before (and without knowing) the destinations, which depend on it.
   */
  STORAGE_DEFAULT_DESTINATION: z.string().min(1).default('file'),
});

export interface StoragePluginConfig {
  listen: string;
  fileDir: string;
  defaultDestination: string;
}

export function loadStoragePluginConfig(env: NodeJS.ProcessEnv = process.env): StoragePluginConfig {
  const parsed = parseConfig(schema, env);
  return {
    listen: parsed.STORAGE_PLUGIN_LISTEN,
    fileDir: parsed.STORAGE_FILE_DIR,
    defaultDestination: parsed.STORAGE_DEFAULT_DESTINATION,
  };
}

export const STORAGE_PLUGIN_CONFIG = Symbol('STORAGE_PLUGIN_CONFIG');
