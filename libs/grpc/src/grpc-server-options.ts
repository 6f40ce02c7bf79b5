import { GrpcOptions, Transport } from '@nestjs/microservices';
import { join } from 'node:path';
import { PROTO_FILES, PROTO_PACKAGES, protoRoot } from '@cloud-inventory/proto';
import { GRPC_MAX_MESSAGE_BYTES, protoLoaderOptions } from './loader-options';
import { ServerReflection } from './reflection/server-reflection';

type Surface = keyof typeof PROTO_FILES;

/** Replacement (de)serializers for chosen methods, e.g. a fast encoder for a hot stream. */
export type MethodCodecs = Record<string, Record<string, { responseSerialize?(value: unknown): Buffer; requestDeserialize?(buf: Buffer): unknown }>>;

/**
 * Nest gRPC server options for the given proto surfaces, always with grpc.health.v1 and server
 * reflection of every service served (Cloudforet's Python clients build their stubs through
 * reflection), answered from buf's descriptor set.
 */
export function grpcServerOptions(url: string, surfaces: Surface[], codecs: MethodCodecs = {}): GrpcOptions {
  const all: Surface[] = ['health', ...surfaces.filter((s) => s !== 'health')];
  const root = protoRoot();
  const packages = [...new Set(all.map((surface) => PROTO_PACKAGES[packageKeyOf(surface)]))];
  return {
    transport: Transport.GRPC,
    options: {
      url,
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
