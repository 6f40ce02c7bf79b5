import * as grpc from '@grpc/grpc-js';
import { inventoryPluginGrpc } from '@cloud-inventory/proto';

type Json = Record<string, unknown>;

export interface RawCollectorPlugin {
  /** host:port of its Collector service. */
  endpoint: string;
  close(): Promise<void>;
}

const { collect } = inventoryPluginGrpc.CollectorService;

/**
 * A collector plugin whose collect stream sends the frames `framesFor(options)` gives, byte for
 * byte (an identity serializer: random bytes, truncated messages, anything), then ends: a real
 * grpc-js server in the test's process, for what a hostile or broken plugin can send.
 * `credentials` serves it over TLS.
 */
export async function startRawCollectorPlugin(
  framesFor: (options: Json) => Iterable<Buffer>,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<RawCollectorPlugin> {
  const server = new grpc.Server();
  const definition: grpc.ServiceDefinition = {
    collect: {
      path: collect.path,
      requestStream: false,
      responseStream: true,
      requestSerialize: collect.requestSerialize,
      requestDeserialize: collect.requestDeserialize,
      responseSerialize: (frame: Buffer) => frame,
      responseDeserialize: (frame: Buffer) => frame,
    },
  };
  server.addService(definition, {
    collect: async (call: grpc.ServerWritableStream<{ options?: Json }, Buffer>) => {
      for (const frame of framesFor(call.request.options ?? {})) {
        // honour flow control, as a real plugin does
        if (!call.write(frame)) await new Promise((resolve) => call.once('drain', resolve));
        if (call.cancelled) return;
      }
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { endpoint: `127.0.0.1:${port}`, close: async () => server.forceShutdown() };
}
