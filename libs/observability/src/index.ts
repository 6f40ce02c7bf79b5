export * from './metrics-registry';
export * from './metrics-server';
export * from './tracing';
export * from './grpc-server-metrics.interceptor';
export * from './plugin-telemetry';
