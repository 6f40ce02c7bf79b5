import type { Options } from '@grpc/proto-loader';
import { protoRoot } from '@cloud-inventory/proto';
import './well-known-wrappers';

/**
 * The one set of proto-loader options every server and client uses. They match the types that
 * ts-proto generates (snakeToCamel=false, stringEnums=true): field names as in the .proto,
 * enums as their names, Struct/Value/ListValue as plain JSON, every scalar present.
 */
export function protoLoaderOptions(): Options {
  return {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    arrays: true,
    objects: true,
    includeDirs: [protoRoot()],
  };
}

/** gRPC message size limit for servers and clients: resources are big, plugins batch them. */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
