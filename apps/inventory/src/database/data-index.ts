import { DataSource } from 'typeorm';
import { MIGRATION_LOCK_KEY } from './run-migrations';

/** The GIN index of cloud service `data` (the query API's `data.*` filters), managed by CLOUD_SERVICE_DATA_INDEX. */
export const DATA_INDEX = 'IDX_cloud_service_data';

export type DataIndexSetting = 'on' | 'off';

/**
 * Makes the database's `data` index follow the setting, once the migrations have run: `on` builds
 * it when it is missing (CONCURRENTLY: collects go on writing meanwhile; an invalid index left by
 * an interrupted build is dropped and built again), `off` drops it. Every written cloud service
 * pays the index (one GIN entry per path and value of its data); without it a `data.*` filter
 * reads the rows the other filters leave (a sequential scan when there is no other filter).
 * Answers what it did.
 */
export async function applyDataIndexSetting(dataSource: DataSource, setting: DataIndexSetting): Promise<'built' | 'dropped' | 'unchanged'> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // the migrations' lock: replicas starting together do not build or drop the index twice
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const [index] = (await runner.query(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
      [DATA_INDEX],
    )) as { valid: boolean }[];
    if (setting === 'off') {
      if (!index) return 'unchanged';
      await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS "${DATA_INDEX}"`);
      return 'dropped';
    }
    if (index?.valid) return 'unchanged';
    if (index) await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS "${DATA_INDEX}"`);
    await runner.query(`CREATE INDEX CONCURRENTLY "${DATA_INDEX}" ON "cloud_service" USING gin ("data" jsonb_path_ops)`);
    return 'built';
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
