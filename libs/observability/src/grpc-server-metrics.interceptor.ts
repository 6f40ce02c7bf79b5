import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { context as otelContext } from '@opentelemetry/api';
import { Counter, Histogram } from 'prom-client';
import { Observable } from 'rxjs';
import { AppError, statusOf } from '@cloud-inventory/grpc';
import { metricsRegistry } from './metrics-registry';
import { contextOfMetadata, inSpan, tracingEnabled } from './tracing';

const handled = new Counter({
  name: 'grpc_server_handled_total',
  help: 'gRPC calls this server finished, by service, method and status code.',
  labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
  registers: [metricsRegistry()],
});

const handling = new Histogram({
  name: 'grpc_server_handling_seconds',
  help: 'Time from a gRPC call to its last answer (a whole stream for server streams), by service and method.',
  labelNames: ['grpc_service', 'grpc_method'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry()],
});

/** The status an error of a handler ends its call with (as AllExceptionsFilter maps it). */
export function grpcCodeOf(error: unknown): string {
  if (error instanceof AppError) return GrpcStatus[statusOf(error.code).grpc];
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && GrpcStatus[code]) return GrpcStatus[code];
  return GrpcStatus[GrpcStatus.INTERNAL];
}

interface ServerCall {
  getPath?(): string;
}

/**
 * Counts each gRPC call a server handles by its status code and times it; when tracing is on,
 * runs the handler in a server span whose parent is the caller's trace context (the inventory
 * sends it in the call's metadata). Unary handlers and server streams alike: a stream ends with
 * its last message, its error, or its cancellation (CANCELLED).
 */
@Injectable()
export class GrpcServerMetricsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const [, metadata, call] = context.getArgs() as [unknown, Parameters<typeof contextOfMetadata>[0], ServerCall | undefined];
    const path = call?.getPath?.() ?? `/${context.getClass().name}/${context.getHandler().name}`;
    const [, service = '', method = ''] = path.split('/');
    const labels = { grpc_service: service, grpc_method: method };
    const stopTimer = handling.startTimer(labels);
    const finish = (code: string) => {
      stopTimer();
      handled.inc({ ...labels, grpc_code: code });
    };
    return new Observable((subscriber) => {
      let ended = false;
      const end = (code: string) => {
        if (ended) return;
        ended = true;
        finish(code);
      };
      const run = (done: (error?: unknown) => void) => {
        const subscription = next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            end(grpcCodeOf(error));
            done(error);
            subscriber.error(error);
          },
          complete: () => {
            end(GrpcStatus[GrpcStatus.OK]);
            done();
            subscriber.complete();
          },
        });
        return () => {
          subscription.unsubscribe();
          end(GrpcStatus[GrpcStatus.CANCELLED]);
          done();
        };
      };
      if (!tracingEnabled()) return run(() => undefined);
      // the span lives as long as the call: started here, ended when the call ends
      let teardown: () => void = () => undefined;
      void otelContext.with(contextOfMetadata(metadata), () =>
        inSpan(path.slice(1), { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method }, () =>
          new Promise<void>((resolve, reject) => {
            teardown = run((error) => (error === undefined ? resolve() : reject(error)));
          }),
        ).catch(() => undefined),
      );
      return () => teardown();
    });
  }
}
