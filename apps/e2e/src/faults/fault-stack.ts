import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort, withDatabase } from '@cloud-inventory/database';
import { ADMIN, AppProcess, WORKSPACE, credentialsOf, get, grpcHealth, InventoryGrpcClient, JsonRecord, startApp, TestTokens, waitFor } from '@cloud-inventory/testing';

/**
 * The whole system as separate processes, built to be broken: a PostgreSQL of its own (stopped and
 * started again on the same data folder and port), several inventory replicas on it (any of them
 * SIGKILLed and replaced), and the two plugins (killed and started again on the same port). Every
 * process incarnation logs into a folder of its own, so a killed process' log stays readable.
 */

/** An app process that can be killed and started again with the same settings. */
export class FaultProcess {
  process!: AppProcess;
  private incarnation = 0;
  private readonly past: AppProcess[] = [];

  constructor(
    readonly name: string,
    private readonly app: string,
    private readonly env: Record<string, string>,
    private readonly workDir: string,
  ) {}

  start(): this {
    this.incarnation += 1;
    const logDir = join(this.workDir, `${this.name}.${this.incarnation}`);
    mkdirSync(logDir, { recursive: true });
    this.process = startApp(this.app, this.env, logDir);
    this.past.push(this.process);
    return this;
  }

  get pid(): number | undefined {
    return this.process.child.pid;
  }

  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  /** Kills the process at once (no shutdown of any kind) and waits until it is gone. */
  async kill(): Promise<void> {
    await this.process.stop('SIGKILL');
  }

  stop(): Promise<void> {
    return this.process.stop('SIGTERM');
  }

  /** Every incarnation's log, oldest first. */
  log(): string {
    return this.past.map((p, index) => `----- ${this.name} #${index + 1} -----\n${p.log()}`).join('\n');
  }
}

/** An inventory process of the stack, and where it serves. */
export type InventoryReplica = FaultProcess & { grpcAddress: string; httpUrl: string };

export interface FaultStackOptions {
  replicas: number;
  /** Added to every replica's environment (worker settings, timeouts). */
  inventoryEnv?: Record<string, string>;
}

export class FaultStack {
  readonly tokens = new TestTokens();
  readonly replicas: InventoryReplica[] = [];
  collectorPlugin!: FaultProcess;
  storagePlugin!: FaultProcess;
  databaseUrl!: string;
  private postgres?: { url: string; stop(): Promise<void> };
  private postgresStarts = 0;
  /** PostgreSQL's data: a folder of its own under the temporary folder (as root, the server runs as another user, who cannot enter workDir). */
  private readonly postgresDir = mkdtempSync(join(tmpdir(), 'cinv-faults-pg-'));
  private postgresPort!: number;
  private collectorAddress!: string;
  private storageAddress!: string;
  private readonly clients = new Map<string, InventoryGrpcClient>();
  private inventoryEnv!: Record<string, string>;
  private token!: string;
  private replicaSerial = 0;
  /** Replicas killed and replaced, for their logs. */
  private readonly past: FaultProcess[] = [];

  /** The time schedules and retention go by (INVENTORY_CLOCK_FILE of every replica): an ISO time the test writes. */
  readonly clockFile: string;

  private constructor(readonly workDir: string) {
    this.clockFile = join(workDir, 'clock');
    this.setClock(new Date());
  }

  setClock(at: Date): void {
    writeFileSync(this.clockFile, at.toISOString());
  }

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const stack = new FaultStack(mkdtempSync(join(tmpdir(), 'cinv-faults-')));
    try {
      await stack.boot(options);
    } catch (error) {
      const message = `${(error as Error).message}\n${stack.logs()}`;
      await stack.stop();
      throw new Error(message, { cause: error });
    }
    return stack;
  }

  private async boot(options: FaultStackOptions): Promise<void> {
    this.postgresPort = await freePort();
    await this.startPostgres();
    const admin = new Client({ connectionString: this.postgres!.url });
    await admin.connect();
    await admin.query('CREATE DATABASE inventory');
    await admin.end();
    this.databaseUrl = withDatabase(this.postgres!.url, 'inventory');

    // the plugins' metrics on any free port: several stacks run on one machine
    const [collectorPort, storagePort] = await Promise.all([freePort(), freePort()]);
    const collectorAddress = `127.0.0.1:${collectorPort}`;
    const storageAddress = `127.0.0.1:${storagePort}`;
    this.collectorAddress = collectorAddress;
    this.storageAddress = storageAddress;
    this.collectorPlugin = new FaultProcess('collector-plugin', 'collector-plugin', { COLLECTOR_PLUGIN_LISTEN: collectorAddress, METRICS_PORT: '0' }, this.workDir).start();
    this.storagePlugin = new FaultProcess(
      'storage-plugin',
      'storage-plugin',
      { STORAGE_PLUGIN_LISTEN: storageAddress, STORAGE_FILE_DIR: join(this.workDir, 'exports'), METRICS_PORT: '0' },
      this.workDir,
    ).start();
    await Promise.all([this.waitForPlugin(this.collectorPlugin, collectorAddress), this.waitForPlugin(this.storagePlugin, storageAddress)]);

    const signingKeyFile = join(this.workDir, 'auth-signing-key.pem');
    writeFileSync(signingKeyFile, this.tokens.privateKeyPem, { mode: 0o600 });
    this.token = await this.tokens.mint(ADMIN);
    this.inventoryEnv = {
      DATABASE_URL: this.databaseUrl,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      INVENTORY_HTTP_HOST: '127.0.0.1',
      INVENTORY_PLUGINS: `synthetic=collector@${collectorAddress},file-storage=storage@${storageAddress}`,
      AUTH_SIGNING_KEY_FILE: signingKeyFile,
      INVENTORY_CLOCK_FILE: this.clockFile,
      ...options.inventoryEnv,
    };
    // the first replica migrates the database alone; the others start on a migrated one
    await this.addReplica();
    await Promise.all(Array.from({ length: options.replicas - 1 }, () => this.addReplica()));
  }

  /** Starts the collector plugin again (on the same address) after it was killed; waits until it serves. */
  async restartCollectorPlugin(): Promise<void> {
    if (!this.collectorPlugin.alive) this.collectorPlugin.start();
    await this.waitForPlugin(this.collectorPlugin, this.collectorAddress);
  }

  async restartStoragePlugin(): Promise<void> {
    if (!this.storagePlugin.alive) this.storagePlugin.start();
    await this.waitForPlugin(this.storagePlugin, this.storageAddress);
  }

  private async waitForPlugin(plugin: FaultProcess, address: string): Promise<void> {
    await waitFor(`the ${plugin.name}`, async () => ((await grpcHealth(address)) === 'SERVING' ? true : undefined), 60_000);
  }

  /** Starts one more inventory replica on the same database, plugins and keys, and waits until it serves. */
  async addReplica(): Promise<InventoryReplica> {
    const [grpcPort, httpPort] = await Promise.all([freePort(), freePort()]);
    this.replicaSerial += 1;
    const replica: InventoryReplica = Object.assign(
      new FaultProcess(`inventory-${this.replicaSerial}`, 'inventory', { ...this.inventoryEnv, INVENTORY_GRPC_LISTEN: `127.0.0.1:${grpcPort}`, INVENTORY_HTTP_PORT: String(httpPort) }, this.workDir),
      { grpcAddress: `127.0.0.1:${grpcPort}`, httpUrl: `http://127.0.0.1:${httpPort}` },
    );
    this.replicas.push(replica);
    replica.start();
    await waitFor(`${replica.name}`, async () => ((await get(replica.httpUrl, '/health')).status === 200 ? true : undefined), 120_000);
    return replica;
  }

  /** The replicas still running. */
  live(): InventoryReplica[] {
    return this.replicas.filter((replica) => replica.alive);
  }

  /** The inventory's API, as DOMAIN_ADMIN, through the first replica still running. */
  get grpc(): InventoryGrpcClient {
    const replica = this.live()[0];
    if (!replica) throw new Error('no inventory replica is running');
    let client = this.clients.get(replica.grpcAddress);
    if (!client) {
      client = new InventoryGrpcClient(replica.grpcAddress, credentialsOf(this.token).metadata);
      this.clients.set(replica.grpcAddress, client);
    }
    return client;
  }

  /** The replica whose worker is `owner` (a lease owner: host:pid:random). */
  replicaOf(owner: string): InventoryReplica | undefined {
    const pid = Number(owner.split(':')[1]);
    return this.replicas.find((replica) => replica.alive && replica.pid === pid);
  }

  /** Replaces the replicas that are no longer running, so that the next run starts with as many as before. */
  async replaceDeadReplicas(): Promise<void> {
    const dead = this.replicas.filter((replica) => !replica.alive);
    for (const replica of dead) {
      this.replicas.splice(this.replicas.indexOf(replica), 1);
      this.past.push(replica);
    }
    await Promise.all(dead.map(() => this.addReplica()));
  }

  /** Starts PostgreSQL (again) on the stack's data folder and port, in a process of its own; resolves once it accepts connections. */
  async startPostgres(): Promise<void> {
    const logFile = join(this.workDir, `postgres.${++this.postgresStarts}.log`);
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(__dirname, 'postgres-server.ts'), this.postgresDir, String(this.postgresPort)],
      {
        cwd: WORKSPACE,
        env: { PATH: process.env['PATH'] ?? '', TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: join(WORKSPACE, 'apps/e2e/tsconfig.spec.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const out = createWriteStream(logFile);
    child.stderr.pipe(out);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const ready = /^ready (\S+)$/m.exec(text);
        if (ready) resolve(ready[1]);
      });
      child.once('exit', (code) => reject(new Error(`PostgreSQL exited (${code}) before it was ready: ${text}\n${readFileSync(logFile, 'utf8')}`)));
    });
    this.postgres = {
      url,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
        out.end();
      },
    };
  }

  /** Stops PostgreSQL (a fast shutdown: every session is terminated); startPostgres() brings it back on the same data and port. */
  async stopPostgres(): Promise<void> {
    const server = this.postgres;
    this.postgres = undefined;
    await server?.stop();
  }

  /** One SQL statement on a connection of its own (PostgreSQL may have restarted since the last one). */
  async sql<T = JsonRecord>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  logs(): string {
    return [...this.past, ...this.replicas, this.collectorPlugin, this.storagePlugin]
      .filter((process) => process !== undefined)
      .map((process) => process.log())
      .join('\n');
  }

  async stop(): Promise<void> {
    for (const client of this.clients.values()) client.close();
    await Promise.all(
      [...this.replicas, this.collectorPlugin, this.storagePlugin].filter((process) => process?.process).map((process) => process.stop()),
    );
    await this.stopPostgres().catch(() => undefined);
    rmSync(this.workDir, { recursive: true, force: true });
    rmSync(this.postgresDir, { recursive: true, force: true });
  }
}
