export * from './generated/spaceone/api/inventory/v1/collector';
export * from './generated/spaceone/api/inventory/v1/job';
export * from './generated/spaceone/api/inventory/v1/job_task';
export * from './generated/spaceone/api/inventory/v1/cloud_service';
export * from './generated/spaceone/api/inventory/v1/cloud_service_type';
export * from './generated/spaceone/api/inventory/v1/region';
export * from './generated/spaceone/api/inventory/v1/plugin';
