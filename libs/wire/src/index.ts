// The hot-path protobuf codec: Structs and the plugin messages that carry resources, read and
// written by hand between wire bytes and JSON (no protobufjs objects), for the collect stream,
// ingest and the storage export. No gRPC, Nest or proto-loader here; everything unary goes
// through the generated clients (libs/proto, libs/grpc).
export * from './json';
export * from './fast-writer';
export * from './struct-reader';
export * from './resource-info-codec';
