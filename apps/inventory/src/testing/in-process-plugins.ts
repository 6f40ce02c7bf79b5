import * as grpc from '@grpc/grpc-js';
import { serviceClientConstructor } from '@cloud-inventory/grpc';
import { instance } from './cloud-services';

type Json = Record<string, unknown>;

export interface CollectCall {
  options: Json;
  secret_data: Json;
  /** Whether the inventory cancelled the stream (its deadline, an abort). */
  cancelled: boolean;
}

export interface ExportCall {
  options: Json;
  data: Json;
}

export interface InProcessPlugins {
  /** host:port of both plugins' services. */
  endpoint: string;
  collects: CollectCall[];
  exports: ExportCall[];
  close(): Promise<void>;
}

/**
 * A collector and a storage plugin speaking the plugin protocol (grpc-js over the .proto
 * contract), served in the test's process. What they do follows the options they receive:
 *
 *   collector: {marker, count, then: 'end' | 'hang' | 'fail', message}
 *     streams `count` EC2 instances (vm-0 …), then ends, hangs until cancelled, or fails with
 *     INTERNAL and `message`;
 *   storage: {fail: 'resources'} refuses resource exports with INTERNAL "disk full" (and accepts
 *     job_finished).
 */
export async function startInProcessPlugins(): Promise<InProcessPlugins> {
  const collects: CollectCall[] = [];
  const exports: ExportCall[] = [];
  const server = new grpc.Server();
  const service = (surface: 'collectorPlugin' | 'storagePlugin', name: string) => serviceClientConstructor(surface, name).service;

  server.addService(service('collectorPlugin', 'spaceone.api.inventory.plugin.Collector'), {
    init: (_call: grpc.ServerUnaryCall<Json, Json>, done: grpc.sendUnaryData<Json>) => done(null, { metadata: {} }),
    verify: (_call: grpc.ServerUnaryCall<Json, Json>, done: grpc.sendUnaryData<Json>) => done(null, {}),
    collect: (call: grpc.ServerWritableStream<Json, Json>) => {
      const request = call.request;
      const options = (request['options'] ?? {}) as Json;
      const record: CollectCall = { options, secret_data: (request['secret_data'] ?? {}) as Json, cancelled: false };
      collects.push(record);
      call.on('cancelled', () => (record.cancelled = true));
      const count = Number(options['count'] ?? 0);
      for (let i = 0; i < count; i++) call.write({ state: 'SUCCESS', ...instance(i) });
      switch (options['then']) {
        case 'hang':
          return;
        case 'fail':
          call.emit('error', { code: grpc.status.INTERNAL, details: String(options['message'] ?? 'failed') });
          return;
        default:
          call.end();
      }
    },
  });
  server.addService(service('collectorPlugin', 'spaceone.api.inventory.plugin.Job'), {
    get_tasks: (_call: grpc.ServerUnaryCall<Json, Json>, done: grpc.sendUnaryData<Json>) => done(null, { tasks: [] }),
  });
  server.addService(service('storagePlugin', 'spaceone.api.inventory.plugin.Storage'), {
    init: (_call: grpc.ServerUnaryCall<Json, Json>, done: grpc.sendUnaryData<Json>) => done(null, { metadata: {} }),
    verify: (_call: grpc.ServerUnaryCall<Json, Json>, done: grpc.sendUnaryData<Json>) => done(null, {}),
    export: (call: grpc.ServerUnaryCall<Json, Json>, done: grpc.sendUnaryData<Json>) => {
      const options = (call.request['options'] ?? {}) as Json;
      const data = (call.request['data'] ?? {}) as Json;
      exports.push({ options, data });
      if (options['fail'] === 'resources' && data['kind'] === 'resources') {
        done({ code: grpc.status.INTERNAL, details: 'disk full' });
        return;
      }
      done(null, {});
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    collects,
    exports,
    close: async () => server.forceShutdown(),
  };
}
