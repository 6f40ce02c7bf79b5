import { Registry, collectDefaultMetrics } from 'prom-client';

let registry: Registry | undefined;

/**
 * The process's one Prometheus registry, with Node's process metrics (CPU, memory, event loop
 * lag, GC, handles) collected at scrape time. Each app registers its own metrics on it where
 * they are defined; GET /metrics serves it.
 */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

/** Prometheus text of the registry: what GET /metrics answers, with its content type. */
export async function scrapeMetrics(): Promise<{ contentType: string; body: string }> {
  const metrics = metricsRegistry();
  return { contentType: metrics.contentType, body: await metrics.metrics() };
}
