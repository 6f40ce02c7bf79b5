import type { Options } from '@grpc/proto-loader';
import type { IConversionOptions } from 'protobufjs';
import { protoRoot } from '@cloud-inventory/proto';
import './well-known-wrappers';

/**
 * How protobufjs turns a decoded message into the object a handler gets, for gRPC (through
 * proto-loader) and HTTP (ProtoJson) alike. They match the types that ts-proto generates
 * (snakeToCamel=false, stringEnums=true): enums as their names, Struct/Value/ListValue as plain
 * JSON, every scalar present.
 */
export const PROTO_CONVERSION_OPTIONS = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  arrays: true,
  objects: true,
} as const satisfies IConversionOptions;

/** The one set of proto-loader options every server and client uses: field names as in the .proto. */
export function protoLoaderOptions(): Options {
  return { keepCase: true, ...PROTO_CONVERSION_OPTIONS, includeDirs: [protoRoot()] };
}

/** gRPC message size limit for servers and clients: resources are big, plugins batch them. */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
