import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { applyDataIndexSetting, DATA_INDEX } from './data-index';

describe('CLOUD_SERVICE_DATA_INDEX', () => {
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });

  afterAll(() => db.close());

  const indexDefinition = async (): Promise<string | undefined> =>
    ((await db.dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = $1`, [DATA_INDEX])) as { indexdef: string }[])[0]?.indexdef;

  it('is on after the migrations, and on leaves it as it is', async () => {
    expect(await indexDefinition()).toMatch(/USING gin \(data jsonb_path_ops\)/);
    expect(await applyDataIndexSetting(db.dataSource, 'on')).toBe('unchanged');
  });

  it('off drops the index and on builds it again; the schema still matches the entities either way', async () => {
    expect(await applyDataIndexSetting(db.dataSource, 'off')).toBe('dropped');
    expect(await indexDefinition()).toBeUndefined();
    expect(await applyDataIndexSetting(db.dataSource, 'off')).toBe('unchanged');
    expect((await db.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    expect(await applyDataIndexSetting(db.dataSource, 'on')).toBe('built');
    expect(await indexDefinition()).toMatch(/USING gin \(data jsonb_path_ops\)/);
    expect((await db.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });

  it('rebuilds an index an interrupted build left invalid', async () => {
    await db.dataSource.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = $1::regclass`, [`"${DATA_INDEX}"`]);
    expect(await applyDataIndexSetting(db.dataSource, 'on')).toBe('built');
    const [row] = await db.dataSource.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, [`"${DATA_INDEX}"`]);
    expect(row.indisvalid).toBe(true);
  });
});
