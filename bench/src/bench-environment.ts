import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresHandle, freePort, startEmbeddedPostgres, withDatabase } from '@cloud-inventory/database';
import { ADMIN, AppProcess, credentialsOf, get, grpcHealth, InventoryGrpcClient, startApp, TestTokens, waitFor } from '@cloud-inventory/testing';

/**
 * The inventory's tuning variables a user may set around a bench run (e.g.
 * `WORKER_CONCURRENCY=2 npm run bench:ingest`); they are passed on to the inventory process.
 */
const INVENTORY_TUNING = [
  'WORKER_CONCURRENCY',
  'QUEUE_POLL_MS',
  'TASK_LEASE_SECONDS',
  'TASK_MAX_ATTEMPTS',
  'COLLECT_DEADLINE_SECONDS',
  'PLUGIN_CALL_DEADLINE_SECONDS',
  'INGEST_BATCH_SIZE',
  'INGEST_BATCH_MAX_WAIT_MS',
  'INGEST_WRITERS',
  'CHANGE_HISTORY',
  'CLOUD_SERVICE_DATA_INDEX',
  'TASK_ERROR_LIMIT',
  'DISCONNECTED_DELETE_AFTER',
  'DB_POOL_SIZE',
  'LOG_LEVEL',
];

export interface BenchEnvironmentOptions {
  /** Parent folder of the run's PostgreSQL data and logs (default: the OS temp folder). */
  baseDir?: string;
  /** Keep the data and logs after the run (BENCH_KEEP=1), e.g. to read the inventory's log. */
  keep?: boolean;
  /**
   * An existing PostgreSQL server (admin URL) to use instead of starting an embedded one: the
   * smoke tests pass the jest run's server; BENCH_POSTGRES_URL for a server of your own.
   */
  postgresUrl?: string;
  /** Extra environment for every inventory process. */
  inventoryEnv?: Record<string, string>;
  log?: (line: string) => void;
}

/** One inventory process on one database, with a gRPC client to it. */
export interface InventoryInstance {
  /** Calls as DOMAIN_ADMIN of domain-default (its token in the metadata). */
  grpc: InventoryGrpcClient;
  /** The HTTP headers of that admin (Authorization: Bearer). */
  headers: Record<string, string>;
  grpcAddress: string;
  httpUrl: string;
  databaseUrl: string;
  process: AppProcess;
  pid: number;
  /** Runs `work`; an error it throws gets the end of this inventory's log appended. */
  explain<T>(work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * What every bench runs on: an embedded PostgreSQL started for the run (a fresh data folder,
 * PostgreSQL's default settings) unless a server is given, the real collector plugin as a
 * process, and inventory processes started on demand, each on a fresh database of that server.
 */
export class BenchEnvironment {
  private readonly inventories = new Set<InventoryInstance>();
  private instanceCount = 0;
  private stopped = false;

  private constructor(
    readonly workDir: string,
    private readonly postgres: EmbeddedPostgresHandle,
    readonly collectorPlugin: AppProcess,
    readonly collectorPluginAddress: string,
    private readonly options: BenchEnvironmentOptions,
  ) {}

  static async start(options: BenchEnvironmentOptions = {}): Promise<BenchEnvironment> {
    const base = options.baseDir ?? tmpdir();
    mkdirSync(base, { recursive: true });
    const workDir = mkdtempSync(join(base, 'cinv-bench-'));
    // as root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder
    chmodSync(workDir, 0o755);
    const log = options.log ?? (() => undefined);
    log(`work folder ${workDir}`);
    let postgres: EmbeddedPostgresHandle;
    try {
      postgres = options.postgresUrl
        ? { url: options.postgresUrl, stop: async () => undefined }
        : await startEmbeddedPostgres({ dataDir: join(workDir, 'postgres'), port: await freePort() });
    } catch (error) {
      if (!options.keep) rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
    const address = `127.0.0.1:${await freePort()}`;
    const plugin = startApp('collector-plugin', { COLLECTOR_PLUGIN_LISTEN: address, LOG_LEVEL: 'warn' }, workDir);
    try {
      await waitFor('the collector plugin', async () => ((await grpcHealth(address)) === 'SERVING' ? true : undefined));
    } catch (error) {
      await plugin.stop();
      await postgres.stop();
      const log = plugin.log();
      if (!options.keep) rmSync(workDir, { recursive: true, force: true });
      throw new Error(`${(error as Error).message}\n${log}`, { cause: error });
    }
    return new BenchEnvironment(workDir, postgres, plugin, address, options);
  }

  /** Whether the PostgreSQL server was started for this run (not given by URL). */
  get embeddedPostgres(): boolean {
    return !this.options.postgresUrl;
  }

  get postgresUrl(): string {
    return this.postgres.url;
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  /** A fresh, empty database on the run's server. */
  async createDatabase(prefix: string): Promise<string> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    await this.admin(`CREATE DATABASE "${name}"`);
    return withDatabase(this.postgres.url, name);
  }

  /** The URL of an existing database of the run's server. */
  databaseUrl(name: string): string {
    return withDatabase(this.postgres.url, name);
  }

  async dropDatabase(url: string): Promise<void> {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    await this.admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }

  /** PostgreSQL's version string, for the report. */
  async postgresVersion(): Promise<string> {
    const client = new Client({ connectionString: this.postgres.url });
    await client.connect();
    try {
      return (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    } finally {
      await client.end();
    }
  }

  /** Starts the built inventory (dist/apps/inventory) on a database, with the plugin registered as "synthetic". */
  async startInventory(databaseUrl: string, env: Record<string, string> = {}): Promise<InventoryInstance> {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const logDir = join(this.workDir, `inventory-${++this.instanceCount}`);
    mkdirSync(logDir, { recursive: true });
    const tuning: Record<string, string> = {};
    for (const name of INVENTORY_TUNING) {
      const value = process.env[name];
      if (value) tuning[name] = value;
    }
    // e.g. BENCH_INVENTORY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the inventory alone
    const nodeArgs = (process.env['BENCH_INVENTORY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const grpcAddress = `127.0.0.1:${grpcPort}`;
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    // the inventory trusts this key; the bench calls with an admin token minted from it
    const tokens = new TestTokens();
    const signingKeyFile = join(logDir, 'auth-signing-key.pem');
    writeFileSync(signingKeyFile, tokens.privateKeyPem, { mode: 0o600 });
    const credentials = credentialsOf(await tokens.mint(ADMIN, { ttlSeconds: 7 * 86_400 }));
    const child = startApp(
      'inventory',
      {
        DATABASE_URL: databaseUrl,
        SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        INVENTORY_GRPC_LISTEN: grpcAddress,
        INVENTORY_HTTP_HOST: '127.0.0.1',
        INVENTORY_HTTP_PORT: String(httpPort),
        INVENTORY_PLUGINS: `synthetic=collector@${this.collectorPluginAddress}`,
        AUTH_SIGNING_KEY_FILE: signingKeyFile,
        ...tuning,
        ...this.options.inventoryEnv,
        ...env,
      },
      logDir,
      nodeArgs,
    );
    const grpc = new InventoryGrpcClient(grpcAddress, credentials.metadata);
    const instance: InventoryInstance = {
      grpc,
      headers: credentials.headers,
      grpcAddress,
      httpUrl,
      databaseUrl,
      process: child,
      pid: child.child.pid!,
      explain: async (work) => {
        try {
          return await work();
        } catch (error) {
          const exit = child.child.exitCode ?? child.child.signalCode;
          const state = exit === null ? 'running' : `exited (${exit})`;
          throw new Error(`${(error as Error).message}\n----- inventory (${state}), end of ${child.logFile} -----\n${child.log().slice(-4000)}`, { cause: error });
        }
      },
      stop: async () => {
        this.inventories.delete(instance);
        grpc.close();
        await child.stop();
      },
    };
    this.inventories.add(instance);
    try {
      await waitFor('the inventory', async () => ((await get(httpUrl, '/health')).status === 200 ? true : undefined), 60_000);
    } catch (error) {
      await instance.stop();
      throw new Error(`${(error as Error).message}\n${child.log().slice(-4000)}`, { cause: error });
    }
    return instance;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.inventories].map((instance) => instance.stop()));
    await this.collectorPlugin.stop();
    await this.postgres.stop().catch(() => undefined);
    if (this.options.keep) this.log(`kept ${this.workDir}`);
    else rmSync(this.workDir, { recursive: true, force: true });
  }

  private async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.postgres.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
