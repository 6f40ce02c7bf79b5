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
