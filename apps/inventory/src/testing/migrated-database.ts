import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@cloud-inventory/database/testing';
import { createDataSource } from '../database/create-data-source';
import { runMigrationsLocked } from '../database/run-migrations';
import { InventoryConfig, loadInventoryConfig } from '../inventory.config';

export interface MigratedDatabase {
  database: TestDatabase;
  dataSource: DataSource;
  /** Another DataSource (its own pool) on the same database, for concurrency tests. */
  connect(poolSize?: number): Promise<DataSource>;
  close(): Promise<void>;
}

/** A fresh database on the test server with every migration applied. */
export async function createMigratedDatabase(): Promise<MigratedDatabase> {
  const database = await createTestDatabase('inventory');
  const extra: DataSource[] = [];
  const dataSource = createDataSource({ url: database.url, poolSize: 5 });
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  return {
    database,
    dataSource,
    connect: async (poolSize = 5) => {
      const other = createDataSource({ url: database.url, poolSize });
      await other.initialize();
      extra.push(other);
      return other;
    },
    close: async () => {
      for (const other of extra) await other.destroy();
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** The configuration the app would have with an empty environment, with overrides. */
export function testConfig(overrides: Partial<InventoryConfig['ingest']> = {}): InventoryConfig {
  const config = loadInventoryConfig({});
  return { ...config, ingest: { ...config.ingest, ...overrides } };
}
