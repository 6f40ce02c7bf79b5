// grpc-js service definitions and client constructors of the plugin protocols (ts-proto
// outputServices=grpc-js): typed unary calls to plugins go through these.
export * from './generated-grpc-js/spaceone/api/inventory/plugin/collector';
export * from './generated-grpc-js/spaceone/api/inventory/plugin/job';
export * from './generated-grpc-js/spaceone/api/inventory/plugin/storage';
