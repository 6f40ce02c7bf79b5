import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '@cloud-inventory/database';
import { createTestDatabase, TestDatabase } from '@cloud-inventory/database/testing';
import { AppProcess, startApp, waitFor } from './app-process';
import { get, grpcHealth, HttpResult, InventoryGrpcClient, post } from './inventory-clients';
import { JsonRecord, LooseJson } from './json';
import { ADMIN, credentialsOf, Identity, TestTokens } from './tokens';

/** Clients of the stack that call as one identity (its token, and x_domain_id for a system token). */
export interface Caller {
  identity: Identity;
  token: string;
  grpc: InventoryGrpcClient;
  /** HTTP POST with the caller's Authorization (and x-domain-id) headers; `headers` add or override. */
  post<T = LooseJson>(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  headers: Record<string, string>;
}

export interface Stack {
  /** gRPC client of the inventory, calling as DOMAIN_ADMIN of domain-default (the `token` metadata). */
  grpc: InventoryGrpcClient;
  /** That admin's token. */
  token: string;
  /** HTTP POST as that admin. */
  post<T = LooseJson>(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  /** Clients that call as another identity: another role, domain or workspace, or a system token. */
  as(identity: Identity): Promise<Caller>;
  /** The key the inventory trusts (AUTH_SIGNING_KEY_FILE), to mint any token. */
  tokens: TestTokens;
  grpcAddress: string;
  httpUrl: string;
  collectorPluginAddress: string;
  storagePluginAddress: string;
  /** Where each plugin serves GET /metrics (its own small HTTP server). */
  collectorPluginMetricsUrl: string;
  storagePluginMetricsUrl: string;
  exportDir: string;
  inventory: AppProcess;
  collectorPlugin: AppProcess;
  storagePlugin: AppProcess;
  databaseUrl: string;
  /**
   * Starts another inventory process on the same database, plugins and keys, with `env` added to
   * the first one's (e.g. another role); it is stopped with the stack and its log is in logs().
   */
  startReplica(env?: Record<string, string>): Promise<InventoryReplica>;
  /** The environment the inventory was started with (its secret key, plugins, database). */
  inventoryEnv: Record<string, string>;
  /** Logs of every process, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

export interface InventoryReplica {
  process: AppProcess;
  /** A client of the replica's gRPC port, sending the stack's admin token. */
  grpc: InventoryGrpcClient;
  grpcAddress: string;
  httpUrl: string;
}

export interface StackOptions {
  /** The inventory's database; by default a fresh one on the jest run's test server. */
  databaseUrl?: string;
  inventoryEnv?: Record<string, string>;
  /** Extra environment of both plugins (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  pluginEnv?: Record<string, string>;
  /** Extra node arguments for the inventory process (e.g. --cpu-prof). */
  inventoryNodeArgs?: string[];
}

/**
 * The whole system as separate processes: the collector plugin, the storage plugin and the
 * inventory (on a fresh database of the test server), with the two plugins registered from
 * configuration as "synthetic" and "file-storage".
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const workDir = mkdtempSync(join(tmpdir(), 'cinv-e2e-'));
  const exportDir = join(workDir, 'exports');
  const [grpcPort, httpPort, collectorPort, storagePort, collectorMetricsPort, storageMetricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const collectorPluginAddress = `127.0.0.1:${collectorPort}`;
  const storagePluginAddress = `127.0.0.1:${storagePort}`;
  const database: TestDatabase | undefined = options.databaseUrl ? undefined : await createTestDatabase('e2e');
  // the inventory trusts this key (its public half); the tests mint tokens with it
  const tokens = new TestTokens();
  const signingKeyFile = join(workDir, 'auth-signing-key.pem');
  writeFileSync(signingKeyFile, tokens.privateKeyPem, { mode: 0o600 });
  const databaseUrl = options.databaseUrl ?? database!.url;
  const collectorPlugin = startApp(
    'collector-plugin',
    { COLLECTOR_PLUGIN_LISTEN: collectorPluginAddress, METRICS_PORT: String(collectorMetricsPort), ...options.pluginEnv },
    workDir,
  );
  const storagePlugin = startApp(
    'storage-plugin',
    { STORAGE_PLUGIN_LISTEN: storagePluginAddress, STORAGE_FILE_DIR: exportDir, METRICS_PORT: String(storageMetricsPort), ...options.pluginEnv },
    workDir,
  );
  const inventoryEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    INVENTORY_HTTP_HOST: '127.0.0.1',
    INVENTORY_PLUGINS: `synthetic=collector@${collectorPluginAddress},file-storage=storage@${storagePluginAddress}`,
    QUEUE_POLL_MS: '200',
    INGEST_BATCH_SIZE: '100',
    AUTH_SIGNING_KEY_FILE: signingKeyFile,
    ...options.inventoryEnv,
  };
  const inventory = startApp(
    'inventory',
    { ...inventoryEnv, INVENTORY_GRPC_LISTEN: `127.0.0.1:${grpcPort}`, INVENTORY_HTTP_PORT: String(httpPort) },
    workDir,
    options.inventoryNodeArgs,
  );
  const processes = [collectorPlugin, storagePlugin, inventory];
  const logs = () => processes.map((p) => `----- ${p.name} -----\n${p.log()}`).join('\n');
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const callers: InventoryGrpcClient[] = [];
  const as = async (identity: Identity): Promise<Caller> => {
    const token = await tokens.mint(identity);
    const { metadata, headers } = credentialsOf(token, identity);
    const client = new InventoryGrpcClient(grpcAddress, metadata);
    callers.push(client);
    return { identity, token, grpc: client, headers, post: (path, body, extra = {}) => post(httpUrl, path, body, { ...headers, ...extra }) };
  };
  const admin = await as(ADMIN);
  const grpc = admin.grpc;
  const startReplica = async (env: Record<string, string> = {}): Promise<InventoryReplica> => {
    const [replicaGrpcPort, replicaHttpPort] = await Promise.all([freePort(), freePort()]);
    const replica = startApp(
      'inventory',
      { ...inventoryEnv, ...env, INVENTORY_GRPC_LISTEN: `127.0.0.1:${replicaGrpcPort}`, INVENTORY_HTTP_PORT: String(replicaHttpPort) },
      workDir,
      options.inventoryNodeArgs,
      `inventory-${processes.length - 2}`,
    );
    processes.push(replica);
    const replicaUrl = `http://127.0.0.1:${replicaHttpPort}`;
    try {
      await waitFor(`inventory replica ${replica.name}`, async () => ((await get(replicaUrl, '/health')).status === 200 ? true : undefined));
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
    }
    const client = new InventoryGrpcClient(`127.0.0.1:${replicaGrpcPort}`, credentialsOf(admin.token, ADMIN).metadata);
    callers.push(client);
    return { process: replica, grpc: client, grpcAddress: `127.0.0.1:${replicaGrpcPort}`, httpUrl: replicaUrl };
  };
  const stop = async () => {
    for (const client of callers) client.close();
    await Promise.all(processes.map((p) => p.stop()));
    await database?.drop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await Promise.all([
      waitFor('the collector plugin', async () => ((await grpcHealth(collectorPluginAddress)) === 'SERVING' ? true : undefined)),
      waitFor('the storage plugin', async () => ((await grpcHealth(storagePluginAddress)) === 'SERVING' ? true : undefined)),
      waitFor('the inventory', async () => ((await get(httpUrl, '/health')).status === 200 ? true : undefined)),
    ]);
  } catch (error) {
    const message = `${(error as Error).message}\n${logs()}`;
    await stop();
    throw new Error(message, { cause: error });
  }
  return {
    grpc,
    token: admin.token,
    post: admin.post,
    as,
    tokens,
    grpcAddress,
    httpUrl,
    collectorPluginAddress,
    storagePluginAddress,
    collectorPluginMetricsUrl: `http://127.0.0.1:${collectorMetricsPort}`,
    storagePluginMetricsUrl: `http://127.0.0.1:${storageMetricsPort}`,
    exportDir,
    inventory,
    collectorPlugin,
    storagePlugin,
    databaseUrl,
    startReplica,
    inventoryEnv,
    logs,
    stop,
  };
}

/** Polls a job until it is no longer IN_PROGRESS. */
export async function waitForJob(stack: Stack, jobId: string, timeoutMs = 60_000): Promise<JsonRecord> {
  try {
    return await waitFor(
      `job ${jobId} to end`,
      async () => {
        const job = await stack.grpc.call('Job', 'get', { job_id: jobId });
        return job['status'] === 'IN_PROGRESS' ? undefined : job;
      },
      timeoutMs,
      100,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${stack.logs()}`, { cause: error });
  }
}
