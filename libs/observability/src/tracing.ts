import { Attributes, Context, ROOT_CONTEXT, Span, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

/** What startTracing returns: stop it (flushing spans not yet exported) when the app closes. */
export interface Tracing {
  enabled: boolean;
  shutdown(): Promise<void>;
}

interface Started {
  users: number;
  shutdown(): Promise<void>;
}

let started: Started | undefined;

/** Whether this process exports traces: decided once by startTracing. */
export function tracingEnabled(): boolean {
  return started !== undefined;
}

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, exporting spans by OTLP
 * over HTTP/protobuf to it (the exporter reads the standard OTEL_EXPORTER_OTLP_* variables:
 * endpoint, headers, timeout). Without it nothing is loaded and every helper below is a plain
 * call. The service name is OTEL_SERVICE_NAME, else the app's name. Several apps of one process
 * (tests) share one provider; it stops with the last of them.
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT']) return { enabled: false, shutdown: async () => undefined };
  if (!started) {
    // loaded only here: a process without an endpoint never loads the SDK
    const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@opentelemetry/resources'),
    ]);
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] || serviceName }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1000 })],
    });
    // the AsyncLocalStorage context manager and the W3C trace-context propagator, process-wide
    provider.register();
    started = {
      users: 0,
      shutdown: async () => {
        await provider.shutdown();
        trace.disable();
        context.disable();
        propagation.disable();
      },
    };
  }
  const own = started;
  own.users++;
  let stopped = false;
  return {
    enabled: true,
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      if (--own.users === 0) {
        started = undefined;
        await own.shutdown();
      }
    },
  };
}

const tracer = () => trace.getTracer('cloud-inventory');

/**
 * Runs `fn` in a new active span (a child of the active one, or of `parent`), ended when `fn`
 * settles and marked as an error when it throws. The span records the error's class, not its
 * message: messages may carry what a plugin echoed. Without tracing, just calls `fn`.
 */
export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>, parent?: Context): Promise<T> {
  if (!started) return fn(undefined);
  return tracer().startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorKind(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A method decorator: each call of the (async) method runs in a span named `name`. */
export function Traced(name: string): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const method = descriptor.value as (...args: unknown[]) => Promise<unknown>;
    descriptor.value = function (this: unknown, ...args: unknown[]) {
      return inSpan(name, {}, () => method.apply(this, args));
    };
    return descriptor;
  };
}

/** Adds attributes to the active span, if any. */
export function setSpanAttributes(attributes: Attributes): void {
  if (started) trace.getActiveSpan()?.setAttributes(attributes);
}

function errorKind(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    const kind = error.constructor?.name ?? 'Error';
    return code !== undefined ? `${kind} (${String(code)})` : kind;
  }
  return typeof error;
}

/** The active span's W3C traceparent, to start work elsewhere (a queued task) under it. */
export function activeTraceParent(): string | undefined {
  if (!started || !trace.getActiveSpan()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/** The context a W3C traceparent names, as the parent of new spans. */
export function contextOfTraceParent(traceParent: string | null | undefined): Context | undefined {
  if (!started || !traceParent) return undefined;
  return propagation.extract(ROOT_CONTEXT, { traceparent: traceParent });
}

interface MetadataLike {
  set(key: string, value: string): void;
  get(key: string): unknown[];
}

/** Writes the active trace context into outgoing gRPC metadata (a plugin call). */
export function injectTraceContext(metadata: MetadataLike): void {
  if (!started || !trace.getActiveSpan()) return;
  propagation.inject(context.active(), metadata, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** The trace context incoming gRPC metadata carries (a plugin serving the inventory's call). */
export function contextOfMetadata(metadata: MetadataLike | undefined): Context {
  if (!started || !metadata) return context.active();
  return propagation.extract(context.active(), metadata, {
    get: (carrier, key) => {
      const value = carrier.get(key)[0];
      return typeof value === 'string' ? value : undefined;
    },
    keys: () => [],
  });
}

/** trace_id and span_id of the active span, for log lines (pino's mixin); empty without one. */
export function traceLogFields(): Record<string, string> {
  if (!started) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
