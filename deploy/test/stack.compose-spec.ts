import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { serviceClientConstructor, unaryCall } from '@cloud-inventory/grpc';
import { InventoryGrpcClient, JsonRecord, waitFor } from '@cloud-inventory/testing';

/**
 * The docker-compose stack seen from outside, as a user sees it: the API over its published gRPC and
 * HTTP ports, the containers through the compose command. deploy/compose/test-compose.sh builds and
 * starts the stack (three workers) and tears it down; run it with `npm run test:compose`.
 */
const composeBin = process.env['COMPOSE_TEST_BIN'];
if (!composeBin) throw new Error('run this through `npm run test:compose` (deploy/compose/test-compose.sh)');

// test-compose.sh mints a DOMAIN_ADMIN token inside the stack (`node main.js token` in the API's image)
const token = process.env['COMPOSE_TEST_TOKEN'];
if (!token) throw new Error('COMPOSE_TEST_TOKEN is missing: test-compose.sh mints it');
const metadata = new grpc.Metadata();
metadata.set('token', token);
const httpHeaders: Record<string, string> = { authorization: `Bearer ${token}` };

function compose(...args: string[]): string {
  return execFileSync(composeBin!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Where Docker published a port of a service on this host ("127.0.0.1:49153"). */
function published(service: string, port: number): string {
  return compose('port', service, String(port)).trim();
}
const grpcAddress = published('inventory-api', 50051);
const httpUrl = `http://${published('inventory-api', 8080)}`;

/**
 * One HTTP request on a connection of its own: Docker's port proxy keeps an idle keep-alive connection
 * open on this side after the app closed it, so a reused one can fail with "other side closed".
 */
function http(method: 'GET' | 'POST', path: string, body?: unknown, headers = httpHeaders): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const sent = request(
      `${httpUrl}${path}`,
      { method, agent: false, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(payload);
  });
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Full ids of a service's containers. */
function containersOf(service: string): string[] {
  return compose('ps', '-q', service).split('\n').filter(Boolean);
}

function healthOf(container: string): string {
  return docker('inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', container).trim();
}

/** One value from the inventory's database, through psql inside the postgres container. */
function sql(query: string): string {
  return compose('exec', '-T', 'postgres', 'psql', '-U', 'inventory', '-d', 'inventory', '-Atc', query).trim();
}

/**
 * grpc.health.v1 over a channel of its own: attempts made while the API still starts must not leave a
 * failed connection (and its reconnect backoff) in grpc-js's shared pool for the API client to inherit.
 */
async function grpcServing(address: string): Promise<boolean> {
  const Health = serviceClientConstructor('health', 'grpc.health.v1.Health');
  const client = new Health(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  try {
    const { status } = await unaryCall<unknown, { status: string }>(client, 'Check', { service: '' }, { deadlineMs: 2000 });
    return status === 'SERVING';
  } finally {
    client.close();
  }
}

const STARTUP_MS = 300_000;

describe('docker-compose stack (three workers), from outside', () => {
  const api = new InventoryGrpcClient(grpcAddress);
  const call = <T = JsonRecord>(service: Parameters<InventoryGrpcClient['call']>[0], method: string, request: Record<string, unknown>) =>
    api.call<T>(service, method, request, metadata);

  async function createCollector(name: string, options: Record<string, unknown>): Promise<string> {
    const collector = await call('Collector', 'create', {
      name,
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: { ...options, storage_plugin: { plugin_id: 'file-storage', options: {} } } },
    });
    return collector['collector_id'];
  }

  async function createSecret(account: string): Promise<string> {
    const secret = await call('Secret', 'create', { name: `account ${account}`, provider: 'synthetic', data: { account_id: account } });
    return secret['secret_id'];
  }

  async function jobTasks(jobId: string): Promise<JsonRecord[]> {
    return (await call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: jobId })).results;
  }

  async function waitForJobEnd(jobId: string): Promise<JsonRecord> {
    return waitFor(
      `job ${jobId} to end`,
      async () => {
        const job = await call('Job', 'get', { job_id: jobId });
        return job['status'] === 'IN_PROGRESS' ? undefined : job;
      },
      STARTUP_MS,
      250,
    );
  }

  async function cloudServicesOfAccount(account: string): Promise<number> {
    const listed = await http('POST', '/inventory/v1/cloud-service/list', {
      provider: 'synthetic',
      query: { filter: [{ k: 'account', v: account, o: 'eq' }], page: { limit: 1 } },
    });
    expect(listed.status).toBe(200);
    return JSON.parse(listed.text).total_count;
  }

  beforeAll(async () => {
    const [apiContainer] = containersOf('inventory-api');
    await waitFor('the API container to be healthy', async () => (healthOf(apiContainer) === 'healthy' ? true : undefined), STARTUP_MS, 1000);
    await waitFor('the API over the published HTTP port', async () => ((await http('GET', '/health')).status === 200 ? true : undefined), STARTUP_MS, 500);
    await waitFor('the API over the published gRPC port', async () => ((await grpcServing(grpcAddress)) ? true : undefined), STARTUP_MS, 500);
  });

  afterAll(() => api.close());

  it('runs every service, three workers, each container healthy by its HEALTHCHECK', async () => {
    expect(containersOf('inventory-worker')).toHaveLength(3);
    const services = ['postgres', 'collector-plugin', 'storage-plugin', 'inventory-api', 'inventory-worker', 'inventory-scheduler'];
    const containers = services.flatMap((service) => containersOf(service).map((id) => ({ service, id })));
    expect(containers).toHaveLength(8);
    await waitFor(
      'every container to be healthy',
      async () => (containers.every(({ id }) => healthOf(id) === 'healthy') ? true : undefined),
      STARTUP_MS,
      1000,
    ).catch((error) => {
      const states = containers.map(({ service, id }) => `${service} ${id.slice(0, 12)}: ${healthOf(id)}`).join('\n');
      throw new Error(`${(error as Error).message}\n${states}`);
    });
    // the apps run as the image's non-root user, with tini as PID 1 forwarding signals
    for (const service of ['inventory-api', 'collector-plugin', 'storage-plugin']) {
      expect(compose('exec', '-T', service, 'id', '-u').trim()).toBe('1000');
      expect(compose('exec', '-T', service, 'cat', '/proc/1/cmdline').split('\0')[0]).toBe('/usr/bin/tini');
    }
    // the image holds what the app reads at run time besides its bundle: the .proto files (gRPC answers
    // above) and the web console's files
    const consolePage = await http('GET', '/console/');
    expect([consolePage.status, consolePage.text]).toEqual([200, expect.stringContaining('<html')]);
    expect((await http('GET', '/console/vendor/chart.umd.min.js')).status).toBe(200);
    // the API needs the token minted with the stack's signing key
    expect((await http('POST', '/inventory/v1/job/list', {}, {})).status).toBe(401);
    expect((await http('POST', '/inventory/v1/job/list', {})).status).toBe(200);
    // the inventory connects as the owner of its database, not as a superuser
    expect(sql(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).toBe('f');
    expect(sql(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'inventory'`)).toBe('inventory');
  });

  it('collects end to end: two secrets, the job SUCCEEDS with exact counters, and the storage plugin wrote the export', async () => {
    const count = 300;
    const collectorId = await createCollector('compose e2e', { count, seed: 3 });
    const accounts = ['100000000001', '100000000002'];
    for (const account of accounts) await createSecret(account);

    const started = await call('Collector', 'collect', { collector_id: collectorId });
    expect(started).toMatchObject({ status: 'IN_PROGRESS', total_tasks: 2 });
    const job = await waitForJobEnd(started['job_id']);
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 2, remained_tasks: 0 });
    const tasks = await jobTasks(job['job_id']);
    expect(tasks.map((t) => [t.status, t.created_count, t.updated_count, t.failure_count])).toEqual([
      ['SUCCESS', count, 0, 0],
      ['SUCCESS', count, 0, 0],
    ]);
    for (const account of accounts) expect(await cloudServicesOfAccount(account)).toBe(count);

    // the storage plugin wrote every resource into its exports volume, and the job's manifest once it ended
    const jobDir = `/exports/${job['job_id']}`;
    await waitFor('the export manifest', async () => (compose('exec', '-T', 'storage-plugin', 'ls', jobDir).includes('_manifest.json') ? true : undefined), STARTUP_MS, 250);
    const exported = compose('exec', '-T', 'storage-plugin', 'sh', '-c', `wc -l < ${jobDir}/inventory.CloudService.ndjson`);
    expect(Number(exported.trim())).toBe(accounts.length * count);
  });

  it('a worker SIGKILLed in the middle of a collect: its task is claimed again after the lease, and the job SUCCEEDS with exact counters', async () => {
    // about 1 ms per message: seconds of streaming after the first batch is written, so that the kill lands mid-stream
    const count = 10_000;
    const account = '100000000003';
    const collectorId = await createCollector('compose kill', { count, seed: 5, delay_ms: 1 });
    const secretId = await createSecret(account);
    // this secret only (the provider's other secrets belong to the test before)
    const started = await call('Collector', 'collect', { collector_id: collectorId, secret_id: secretId });
    expect(started['total_tasks']).toBe(1);
    const jobId: string = started['job_id'];

    // mid-stream: some batches written, the task still running
    const running = await waitFor(
      'the task to have written its first batches',
      async () => {
        const [task] = await jobTasks(jobId);
        return task?.status === 'IN_PROGRESS' && task.created_count > 0 ? task : undefined;
      },
      STARTUP_MS,
      100,
    );
    // the worker that holds the task's lease: lease_owner is "<hostname>:<pid>:<random>", and a
    // container's hostname is the start of its id
    const leaseOwner = sql(`SELECT lease_owner FROM task_queue WHERE job_task_id = '${running['job_task_id']}'`);
    const workers = containersOf('inventory-worker');
    const holder = workers.find((id) => id.startsWith(leaseOwner.split(':')[0]));
    expect({ leaseOwner, holder: holder !== undefined }).toEqual({ leaseOwner: expect.any(String), holder: true });
    docker('kill', '--signal', 'KILL', holder!);
    const [atKill] = await jobTasks(jobId);
    // the kill must have interrupted the stream, or this test proves nothing
    expect(atKill.status).toBe('IN_PROGRESS');
    expect(atKill.created_count).toBeLessThan(count);

    const job = await waitForJobEnd(jobId);
    expect(job).toMatchObject({ status: 'SUCCESS', remained_tasks: 0 });
    const [task] = await jobTasks(jobId);
    expect([task.status, task.created_count, task.updated_count, task.failure_count]).toEqual(['SUCCESS', count, 0, 0]);
    expect(await cloudServicesOfAccount(account)).toBe(count);
    // another worker finished it: the killed container stayed down
    expect(docker('inspect', '--format', '{{.State.Running}}', holder!).trim()).toBe('false');
    expect(sql(`SELECT count(*) FROM task_queue`)).toBe('0');
  });

  it('stops on SIGTERM by itself: tini hands the signal to the app, which ends before Docker would SIGKILL it', () => {
    const [scheduler] = containersOf('inventory-scheduler');
    compose('stop', '--timeout', '30', 'inventory-scheduler');
    // 0 or 143 (128 + SIGTERM, re-raised once the app has closed); 137 would be Docker's SIGKILL after
    // the timeout: the app never saw SIGTERM, or did not end
    expect(['0', '143']).toContain(docker('inspect', '--format', '{{.State.ExitCode}}', scheduler).trim());
  });
});
