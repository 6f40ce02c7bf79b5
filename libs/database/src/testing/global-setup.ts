import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { freePort } from '../free-port';

/**
 * Jest globalSetup for suites that touch PostgreSQL: with DATABASE_URL the tests use that server,
 * otherwise one throwaway embedded server is started for the whole run. Each test file then makes
 * its own database on it (createTestDatabase), so files run in parallel without sharing rows.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['DATABASE_URL']) {
    process.env['TEST_DATABASE_ADMIN_URL'] = process.env['DATABASE_URL'];
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cinv-test-pg-'));
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    // a throwaway cluster: durability costs time and buys nothing here
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  process.env['TEST_DATABASE_ADMIN_URL'] = server.url;
  (globalThis as Record<string, unknown>)['__embeddedTestPostgres'] = { server, dataDir };
}
