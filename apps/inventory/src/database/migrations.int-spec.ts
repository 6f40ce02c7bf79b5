import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';

describe('migrations', () => {
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });

  afterAll(() => db.close());

  it('build exactly the schema the entities describe (a fresh migration would be empty)', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('index only the resources that have lower-priority match keys (partial GIN indexes)', async () => {
    const rows = await db.dataSource.query(`SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%secondary_keys'`);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.indexdef).toMatch(/USING gin \(secondary_keys\) WHERE \(cardinality\(secondary_keys\) > 0\)/);
  });

  it('are all applied, and a second run under the lock applies nothing', async () => {
    const { runMigrationsLocked } = await import('./run-migrations');
    expect(await runMigrationsLocked(db.dataSource)).toEqual([]);
    expect(await db.dataSource.showMigrations()).toBe(false);
  });
});
