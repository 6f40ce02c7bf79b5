import { ServerCredentials } from '@grpc/grpc-js';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { join } from 'node:path';
import { PROTO_FILES, PROTO_PACKAGES, protoRoot } from '@cloud-inventory/proto';
import { AppError } from './app-error';
import { GRPC_MAX_MESSAGE_BYTES, protoLoaderOptions } from './loader-options';
import { StructTooDeep } from './well-known-wrappers';
import { ServerReflection } from './reflection/server-reflection';

type Surface = keyof typeof PROTO_FILES;

/** Replacement (de)serializers for chosen methods, e.g. a fast encoder for a hot stream. */
export type MethodCodecs = Record<string, Record<string, { responseSerialize?(value: unknown): Buffer; requestDeserialize?(buf: Buffer): unknown }>>;

/**
 * Nest gRPC server options for the given proto surfaces, always with grpc.health.v1 and server
 * reflection of every service served (Cloudforet's Python clients build their stubs through
 * reflection), answered from buf's descriptor set.
 */
export function grpcServerOptions(url: string, surfaces: Surface[], codecs: MethodCodecs = {}, tls?: { key: Buffer; cert: Buffer }): GrpcOptions {
  const all: Surface[] = ['health', ...surfaces.filter((s) => s !== 'health')];
  const root = protoRoot();
  const packages = [...new Set(all.map((surface) => PROTO_PACKAGES[packageKeyOf(surface)]))];
  return {
    transport: Transport.GRPC,
    options: {
      url,
      // TLS when a certificate is configured (the inventory's INVENTORY_TLS_CERT_FILE / _KEY_FILE)
      ...(tls ? { credentials: ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }]) } : {}),
      package: packages,
      protoPath: all.flatMap((surface) => PROTO_FILES[surface].map((file) => join(root, file))),
      loader: protoLoaderOptions(),
      maxReceiveMessageLength: GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: GRPC_MAX_MESSAGE_BYTES,
      gracefulShutdown: true,
      onLoadPackageDefinition: (definition, server) => {
        for (const [service, methods] of Object.entries(codecs)) {
          for (const [method, codec] of Object.entries(methods)) {
            const target = (definition[service] as Record<string, Record<string, unknown>> | undefined)?.[method];
            if (!target) throw new Error(`grpcServerOptions: ${service}/${method} is not in the loaded protos`);
            Object.assign(target, codec);
          }
        }
        for (const name of servicesIn(definition, packages)) {
          for (const method of Object.values(definition[name] as Record<string, { requestDeserialize?: (buf: Buffer) => unknown }>)) {
            if (method.requestDeserialize) method.requestDeserialize = answeringUnreadable(method.requestDeserialize);
          }
        }
        new ServerReflection(servicesIn(definition, packages)).addToServer(server);
      },
    },
  };
}

/** The fully qualified names of the services a package definition holds in the given packages. */
function servicesIn(definition: Record<string, unknown>, packages: string[]): string[] {
  return Object.entries(definition)
    .filter(([name, entry]) => !('format' in (entry as object)) && packages.includes(name.slice(0, name.lastIndexOf('.'))))
    .map(([name]) => name);
}

function packageKeyOf(surface: Surface): keyof typeof PROTO_PACKAGES {
  switch (surface) {
    case 'collectorPlugin':
    case 'storagePlugin':
      return 'inventoryPlugin';
    default:
      return surface;
  }
}

/**
 * A request deserializer whose failure (a Struct nested too deeply, a malformed message) becomes
 * INVALID_ARGUMENT with the reason, instead of grpc-js's bare INTERNAL "Error deserializing
 * request": the handler gets a request that throws the AppError as soon as it is read.
 */
function answeringUnreadable(deserialize: (buf: Buffer) => unknown): (buf: Buffer) => unknown {
  return (buf) => {
    try {
      return deserialize(buf);
    } catch (error) {
      const reason =
        error instanceof StructTooDeep
          ? error.message
          : error instanceof Error && /call stack|nesting depth|max depth/i.test(error.message)
            ? 'the request is nested too deeply'
            : 'the request is not a valid protobuf message';
      return unreadableRequest(AppError.invalid(`Invalid request: ${reason}`));
    }
  };
}

function unreadableRequest(error: AppError): object {
  return new Proxy(
    {},
    {
      get: (_target, property) => {
        // what promise detection and JSON serialisation look up is simply absent
        if (typeof property === 'symbol' || property === 'then' || property === 'toJSON' || property === 'constructor') return undefined;
        throw error;
      },
    },
  );
}
