/**
 * What code outside the app (the benches) may use of the inventory's source: the schema and
 * DataSource definition of its database, and the query view of cloud services. Everything else
 * under src/ is internal; module-graph.spec.ts fails on an import from outside that bypasses this file.
 */
export { CLOUD_SERVICE_QUERY_SCHEMA } from './cloud-service/cloud-service.kind';
export { CloudServiceEntity } from './cloud-service/cloud-service.entity';
export { stateFilter } from './cloud-service/cloud-service.service';
export { createDataSource } from './database/create-data-source';
export type { DataSourceOptions } from './database/create-data-source';
export { compileMetricQuery } from './metric/metric-query';
export type { MetricDefinition } from './metric/metric-query';
