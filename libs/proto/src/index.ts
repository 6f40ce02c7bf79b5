// Types generated from proto/ by buf + ts-proto (nestJs=true); one namespace per proto package,
// because message names repeat across packages (e.g. PluginInfo, CollectRequest).
import './generated/google/protobuf/struct';

export * as coreV2 from './generated/spaceone/api/core/v2/query';
export * as health from './generated/grpc/health/v1/health';
export * as inventoryV1 from './inventory-v1';
export * as inventoryPlugin from './inventory-plugin';
export * as secretV1 from './generated/spaceone/api/secret/v1/secret';
export { Empty } from './generated/google/protobuf/empty';
export { ListValue, Struct, Value } from './generated/google/protobuf/struct';
export { PROTO_FILES, PROTO_PACKAGES, protoRoot } from './proto-files';
export { descriptorSetPath, readDescriptorSet } from './descriptor-set';

// grpc-js service definitions and client constructors with ts-proto's own codec (a second
// output, generated-grpc-js): typed clients, and the reflection service.
export * as healthGrpc from './generated-grpc-js/grpc/health/v1/health';
export * as inventoryPluginGrpc from './inventory-plugin-grpc';
export * as inventoryV1Grpc from './inventory-v1-grpc';
export * as reflectionV1 from './generated-grpc-js/grpc/reflection/v1/reflection';
export * as reflectionV1alpha from './generated-grpc-js/grpc/reflection/v1alpha/reflection';
