import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@cloud-inventory/database';
import { AppProcess, startApp, waitFor } from '@cloud-inventory/testing';

/**
 * The embedded default (`npm start`): the inventory creates an owner role for its database at
 * first start and connects as it, never as the superuser; what a superuser made before is handed
 * over at the next start.
 */
describe('the embedded default connects to PostgreSQL as the owner of its database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'inventory-owner-'));
  // as root, PostgreSQL runs as its own user, which must be able to reach its folder
  chmodSync(dataDir, 0o755);
  let app: AppProcess | undefined;
  let pgPort: number;

  afterAll(async () => {
    await app?.stop();
  });

  async function start(): Promise<void> {
    const httpPort = await freePort();
    app = startApp(
      'inventory',
      {
        DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: String(pgPort),
        INVENTORY_GRPC_LISTEN: `127.0.0.1:${await freePort()}`,
        INVENTORY_HTTP_HOST: '127.0.0.1',
        INVENTORY_HTTP_PORT: String(httpPort),
      },
      dataDir,
    );
    await waitFor('the inventory', async () => ((await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined))?.ok ? true : undefined), 120_000);
  }

  /** The embedded server's superuser (libs/database's constants), to look from outside. */
  async function asSuperuser<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/inventory` });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }

  it('connects as a non-superuser owner role, and takes over tables a superuser made', async () => {
    pgPort = await freePort();
    await start();
    const sessions = await asSuperuser((client) =>
      client.query(
        `SELECT DISTINCT a.usename, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
          WHERE a.datname = 'inventory' AND a.pid <> pg_backend_pid()`,
      ),
    );
    expect(sessions.rows).toEqual([{ usename: 'inventory', rolsuper: false }]);
    const owner = await asSuperuser((client) => client.query(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'inventory'`));
    expect(owner.rows).toEqual([{ owner: 'inventory' }]);
    expect(statSync(join(dataDir, 'postgres-owner.password')).mode & 0o077).toBe(0);

    // a table made by the superuser (as before there was an owner role) is the owner's after a restart
    await asSuperuser((client) => client.query('CREATE TABLE made_by_superuser (id serial PRIMARY KEY)'));
    await app!.stop();
    await start();
    const strangers = await asSuperuser((client) =>
      client.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v') AND pg_get_userbyid(c.relowner) <> 'inventory'`,
      ),
    );
    expect(strangers.rows).toEqual([]);
  });
});
