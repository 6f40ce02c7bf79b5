import { AppError } from '@cloud-inventory/grpc';
import { isJsonObject } from '@cloud-inventory/wire';

/**
 * Where a collector sends what it collects, besides the inventory: an option of the collector's
 * plugin_info.options, kept by the inventory and removed from the options the collector plugin
 * receives:
 *
 *   "plugin_info": {"plugin_id": "synthetic", "options": {
 *       "count": 1000,
 *       "storage_plugin": {"plugin_id": "file-storage", "options": {"path": "nightly"}}}}
 */
export const STORAGE_OPTION = 'storage_plugin';

export interface StorageOption {
  plugin_id: string;
  options: Record<string, unknown>;
}

/** The storage option, checked; null when the collector has none. */
export function storageOptionOf(options: Record<string, unknown> | undefined): StorageOption | null {
  const raw = options?.[STORAGE_OPTION];
  if (raw === undefined || raw === null) return null;
  if (!isJsonObject(raw) || typeof raw['plugin_id'] !== 'string' || !raw['plugin_id']) {
    throw AppError.invalid(`plugin_info.options.${STORAGE_OPTION} must be {"plugin_id": "<storage plugin>", "options": {...}}.`);
  }
  const storageOptions = raw['options'] ?? {};
  if (!isJsonObject(storageOptions)) throw AppError.invalid(`plugin_info.options.${STORAGE_OPTION}.options must be an object.`);
  return { plugin_id: raw['plugin_id'], options: storageOptions };
}

/** The options the collector plugin receives. */
export function collectorOptionsOf(options: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!options) return {};
  if (!(STORAGE_OPTION in options)) return options;
  const { [STORAGE_OPTION]: _storage, ...rest } = options;
  return rest;
}
