import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { PROTO_FILES, protoRoot } from '@cloud-inventory/proto';
import { GRPC_MAX_MESSAGE_BYTES, protoLoaderOptions } from './loader-options';

type Surface = keyof typeof PROTO_FILES;

const definitions = new Map<Surface, grpc.GrpcObject>();

/** The loaded gRPC package object of a proto surface, loaded once per process. */
export function loadSurface(surface: Surface): grpc.GrpcObject {
  let loaded = definitions.get(surface);
  if (!loaded) {
    const root = protoRoot();
    const packageDefinition = protoLoader.loadSync(
      PROTO_FILES[surface].map((file) => join(root, file)),
      protoLoaderOptions(),
    );
    loaded = grpc.loadPackageDefinition(packageDefinition);
    definitions.set(surface, loaded);
  }
  return loaded;
}

/**
 * A proto-loader (protobufjs) client constructor by fully qualified service name, e.g.
 * spaceone.api.inventory.plugin.Collector: the generic codec, as the servers use it. Typed calls
 * go through unaryClient() with a generated service definition instead.
 */
export function serviceClientConstructor(surface: Surface, serviceName: string): grpc.ServiceClientConstructor {
  const found = serviceName
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], loadSurface(surface));
  if (typeof found !== 'function') {
    throw new Error(`gRPC service ${serviceName} is not in the ${surface} protos`);
  }
  return found as grpc.ServiceClientConstructor;
}

export const GRPC_CLIENT_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // a peer that went away (a plugin restarted) is tried again every 2 s at most, not after grpc-js's
  // growing backoff (up to 120 s), during which every call fails at once as unreachable
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

/** A little more than one reconnect backoff of GRPC_CLIENT_OPTIONS, and the connect after it. */
export const GRPC_RECONNECT_WAIT_MS = 2_500;

/**
 * Resolves once the client's channel is READY, or after `waitMs` whatever its state (the call made
 * next then fails as it would have). A channel whose peer went away stays in TRANSIENT_FAILURE until
 * its next reconnect attempt, and a call made meanwhile fails at once as unreachable, even when the
 * peer (a restarted plugin) already listens again. Costs nothing on a READY channel.
 */
export function whenChannelReady(client: grpc.Client, waitMs = GRPC_RECONNECT_WAIT_MS): Promise<void> {
  if (client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY) return Promise.resolve();
  return new Promise<void>((resolve) => client.waitForReady(Date.now() + waitMs, () => resolve()));
}

/**
 * A unary call by method name, for dynamic clients that choose the method at run time (a CLI, a
 * test harness, health probes), on a proto-loader client. Code that knows its calls uses
 * unaryClient() with a generated service definition instead, so that the compiler checks them.
 */
export function unaryCall<TRequest, TResponse>(
  client: grpc.Client,
  method: string,
  request: TRequest,
  options: { deadlineMs: number; metadata?: grpc.Metadata },
): Promise<TResponse> {
  const fn = (client as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') {
    return Promise.reject(new Error(`gRPC method ${method} is not defined on this client`));
  }
  return new Promise<TResponse>((resolve, reject) => {
    fn.call(
      client,
      request,
      options.metadata ?? new grpc.Metadata(),
      { deadline: Date.now() + options.deadlineMs },
      (error: grpc.ServiceError | null, response: TResponse) => (error ? reject(error) : resolve(response)),
    );
  });
}

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return typeof error === 'object' && error !== null && 'code' in error && 'details' in error;
}
