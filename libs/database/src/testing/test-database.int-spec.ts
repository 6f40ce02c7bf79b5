import { Client } from 'pg';
import { createTestDatabase } from './test-database';

describe('createTestDatabase', () => {
  it('gives each caller its own empty database on a real PostgreSQL server, and drops it', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    expect(first.name).not.toEqual(second.name);

    const client = new Client({ connectionString: first.url });
    await client.connect();
    const { rows } = await client.query<{ db: string; version: string }>(
      'SELECT current_database() AS db, current_setting(\'server_version_num\') AS version',
    );
    await client.end();
    expect(rows[0].db).toEqual(first.name);
    expect(Number(rows[0].version)).toBeGreaterThanOrEqual(150000);

    await first.drop();
    await second.drop();
    const admin = new Client({ connectionString: process.env['TEST_DATABASE_ADMIN_URL'] });
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = ANY($1)', [[first.name, second.name]]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
