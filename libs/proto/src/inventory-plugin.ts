export * from './generated/spaceone/api/inventory/plugin/collector';
export * from './generated/spaceone/api/inventory/plugin/job';
export * from './generated/spaceone/api/inventory/plugin/storage';
