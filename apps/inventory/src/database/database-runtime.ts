import { Logger } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedPostgresHandle, redactUrl, startEmbeddedPostgres, withDatabase } from '@cloud-inventory/database';
import { InventoryConfig } from '../inventory.config';
import { SecretCipher } from '../secret/secret-cipher';
import { createDataSource } from './create-data-source';
import { runMigrationsLocked } from './run-migrations';

const EMBEDDED_DATABASE = 'inventory';

export interface DatabaseRuntime {
  url: string;
  dataSource: DataSource;
  cipher: SecretCipher;
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

/** The secret key: configured, or (embedded default only) generated once under the data folder. */
function loadCipher(config: InventoryConfig, embedded: boolean, logger: Logger): SecretCipher {
  if (config.secretEncryptionKey) return new SecretCipher(SecretCipher.parseKey(config.secretEncryptionKey));
  if (!embedded) {
    throw new Error('Invalid configuration:\n  SECRET_ENCRYPTION_KEY: required with DATABASE_URL (32 bytes, hex or base64)');
  }
  const file = join(resolve(config.dataDir), 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(resolve(config.dataDir), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    logger.warn(`generated a secret encryption key in ${file}: keep it with the data, secrets cannot be read without it`);
  }
  return new SecretCipher(SecretCipher.parseKey(readFileSync(file, 'utf8')));
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
    const cipher = loadCipher(config, !!embedded, logger);
    const dataSource = createDataSource({ url, poolSize: config.dbPoolSize });
    await dataSource.initialize();
    const applied = await runMigrationsLocked(dataSource);
    logger.log(`database ${redactUrl(url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    return {
      url,
      dataSource,
      cipher,
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
