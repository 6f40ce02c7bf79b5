import { DataSource } from 'typeorm';

// A fixed key for pg_advisory_lock: one replica migrates, the others wait and then find nothing to do.
export const MIGRATION_LOCK_KEY = 720_431_001;

/** Runs pending migrations under a Postgres advisory lock, so replicas starting together don't race. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
