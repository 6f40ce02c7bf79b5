// grpc-js service definitions and client constructors of the inventory API (ts-proto
// outputServices=grpc-js), for typed clients of the inventory.
export * from './generated-grpc-js/spaceone/api/inventory/v1/collector';
export * from './generated-grpc-js/spaceone/api/inventory/v1/job';
export * from './generated-grpc-js/spaceone/api/inventory/v1/job_task';
export * from './generated-grpc-js/spaceone/api/inventory/v1/cloud_service';
export * from './generated-grpc-js/spaceone/api/inventory/v1/cloud_service_type';
export * from './generated-grpc-js/spaceone/api/inventory/v1/region';
export * from './generated-grpc-js/spaceone/api/inventory/v1/plugin';
export * from './generated-grpc-js/spaceone/api/inventory/v1/namespace';
export * from './generated-grpc-js/spaceone/api/inventory/v1/metric';
export * from './generated-grpc-js/spaceone/api/inventory/v1/metric_data';
export * from './generated-grpc-js/spaceone/api/inventory/v1/metric_example';
export * from './generated-grpc-js/spaceone/api/inventory/v1/change_history';
