import { Logger } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedPostgresHandle, redactUrl, startEmbeddedPostgres, withDatabase } from '@cloud-inventory/database';
import { InventoryConfig } from '../inventory.config';
import { createDataSource } from './create-data-source';
import { runMigrationsLocked } from './run-migrations';

const EMBEDDED_DATABASE = 'inventory';

export interface DatabaseRuntime {
  url: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL for the app: DATABASE_URL, or an embedded server with its files under DATA_DIR;
 * then the schema, migrated under an advisory lock.
 */
export async function openDatabase(config: InventoryConfig): Promise<DatabaseRuntime> {
  const logger = new Logger('Database');
  let embedded: EmbeddedPostgresHandle | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const dataDir = join(resolve(config.dataDir), 'postgres');
    embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort });
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
    url = withDatabase(embedded.url, EMBEDDED_DATABASE);
    logger.log(`embedded PostgreSQL on 127.0.0.1:${config.embeddedPostgresPort}, data in ${dataDir}`);
  }
  try {
    const dataSource = createDataSource({ url, poolSize: config.dbPoolSize });
    await dataSource.initialize();
    const applied = await runMigrationsLocked(dataSource);
    logger.log(`database ${redactUrl(url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    return {
      url,
      dataSource,
      close: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
