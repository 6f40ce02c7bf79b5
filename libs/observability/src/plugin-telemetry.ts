import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GrpcServerMetricsInterceptor } from './grpc-server-metrics.interceptor';
import { MetricsListen, MetricsServer, startPluginMetrics } from './metrics-server';
import { Tracing, startTracing } from './tracing';

/**
 * A plugin's telemetry for its lifetime: tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) and
 * the GET /metrics server, started with the module (before the gRPC server listens) and stopped
 * at shutdown, flushing spans not yet exported.
 */
@Injectable()
export class PluginTelemetry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PluginTelemetry.name);
  private tracing?: Tracing;
  private server?: MetricsServer;

  constructor(
    private readonly serviceName: string,
    private readonly listen: MetricsListen | undefined,
  ) {}

  /** Where GET /metrics is served; undefined when it is not. */
  get metricsUrl(): string | undefined {
    return this.server?.url;
  }

  async onModuleInit(): Promise<void> {
    this.tracing = await startTracing(this.serviceName);
    this.server = await startPluginMetrics(this.listen, (message) => this.logger.warn(message));
    if (this.server) this.logger.log(`metrics at ${this.server.url}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.tracing?.shutdown();
  }
}

/** The providers a plugin module adds: its telemetry, and the gRPC call metrics (and spans) of every handler. */
export function pluginTelemetryProviders(serviceName: string, listen: MetricsListen | undefined): Provider[] {
  return [
    { provide: PluginTelemetry, useFactory: () => new PluginTelemetry(serviceName, listen) },
    { provide: APP_INTERCEPTOR, useClass: GrpcServerMetricsInterceptor },
  ];
}
