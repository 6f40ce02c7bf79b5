import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import { Counter } from 'prom-client';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { grpcCodeOf } from './grpc-server-metrics.interceptor';
import { metricsRegistry } from './metrics-registry';
import { startMetricsServer, startPluginMetrics } from './metrics-server';
import { activeTraceParent, contextOfTraceParent, inSpan, startTracing, traceLogFields, tracingEnabled } from './tracing';

describe('the metrics server of the plugins', () => {
  const probe = new Counter({ name: 'observability_spec_probe_total', help: 'a counter of this spec', registers: [metricsRegistry()] });

  it('serves the registry at GET /metrics (with process metrics) and nothing else', async () => {
    probe.inc(3);
    const server = await startMetricsServer('127.0.0.1', 0);
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await response.text();
      expect(body).toContain('observability_spec_probe_total 3');
      expect(body).toMatch(/^process_cpu_user_seconds_total /m);
      expect((await fetch(`${server.url}/`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('starts without metrics when its default port is taken, and refuses to start when the port was asked for', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const warnings: string[] = [];
      await expect(startPluginMetrics({ host: '127.0.0.1', port, explicit: false }, (m) => warnings.push(m))).resolves.toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining(`cannot listen on 127.0.0.1:${port}`)]);
      await expect(startPluginMetrics({ host: '127.0.0.1', port, explicit: true }, () => undefined)).rejects.toThrow(/METRICS_PORT/);
      await expect(startPluginMetrics(undefined, () => undefined)).resolves.toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

describe('the gRPC code of a handler error', () => {
  it('is the status the exceptions filter answers with', () => {
    expect(grpcCodeOf(new AppError(ErrorCode.NOT_FOUND, 'x'))).toBe('NOT_FOUND');
    expect(grpcCodeOf(new AppError(ErrorCode.INVALID_ARGUMENT, 'x'))).toBe('INVALID_ARGUMENT');
    expect(grpcCodeOf({ code: status.UNAVAILABLE })).toBe('UNAVAILABLE');
    expect(grpcCodeOf(new Error('boom'))).toBe('INTERNAL');
  });
});

describe('tracing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('starts nothing: spans are plain calls, no trace context, no log fields', async () => {
    const tracing = await startTracing('spec', {});
    expect(tracing.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const result = await inSpan('work', {}, async (span) => {
      expect(span).toBeUndefined();
      expect(activeTraceParent()).toBeUndefined();
      expect(traceLogFields()).toEqual({});
      return 42;
    });
    expect(result).toBe(42);
    expect(contextOfTraceParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBeUndefined();
    await tracing.shutdown();
  });
});
