import { Counter } from 'prom-client';
import { metricsRegistry } from '@cloud-inventory/observability';

/** Resources written to a destination, counted once per exported batch. */
export const exportedResources = new Counter({
  name: 'storage_plugin_exported_resources_total',
  help: 'Resources written by exports, by destination.',
  labelNames: ['destination'] as const,
  registers: [metricsRegistry()],
});
