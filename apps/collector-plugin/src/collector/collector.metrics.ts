import { Counter } from 'prom-client';
import { metricsRegistry } from '@cloud-inventory/observability';

/** Messages (resources, types, regions, error resources) the plugin streamed, counted once per stream at its end. */
export const streamedMessages = new Counter({
  name: 'collector_plugin_streamed_messages_total',
  help: 'ResourceInfo messages sent on collect streams, by source and how the stream ended (completed, failed, cancelled).',
  labelNames: ['source', 'outcome'] as const,
  registers: [metricsRegistry()],
});
