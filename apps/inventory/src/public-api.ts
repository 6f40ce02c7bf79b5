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
// the task-ending path as the app wires it, a job fixture and migrations, for the fan-out bench's
// endings-alone measure (bench/src/fanout.bench.ts)
export { collectParts } from './testing/collect-parts';
export { createJob } from './testing/fixtures';
export { loadInventoryConfig } from './inventory.config';
export { runMigrationsLocked } from './database/run-migrations';
