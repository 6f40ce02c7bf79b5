import { status } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@cloud-inventory/database';
import {
  get,
  grpcHealth,
  InventoryGrpcClient,
  inventoryInvariantViolations,
  post,
  Stack,
  startApp,
  startStack,
  waitFor,
  waitForJob,
  JsonRecord,
} from '@cloud-inventory/testing';

/**
 * Several inventory processes on one PostgreSQL, each with its roles (INVENTORY_ROLES), and how one
 * of them stops: SIGTERM hands its tasks to the others at once, and nothing is lost or logged as an
 * error. Real processes, a real database.
 */

/** Lines of a process log that report an error: pino's level ≥ 50, Nest's ERROR, or anything PostgreSQL killed. */
function errorLines(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .filter((line) => {
      if (/terminating connection|ECONNRESET|ECONNREFUSED|Error:/i.test(line)) return true;
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 50;
      } catch {
        return /\bERROR\b/.test(line);
      }
    });
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('replicas: roles, and a replica that stops in the middle of a job', () => {
  let stack: Stack;

  beforeAll(async () => {
    // the stack's own inventory serves the API only: the replicas added below do the work
    stack = await startStack({ inventoryEnv: { INVENTORY_ROLES: 'api' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function slowCollector(options: Record<string, unknown>): Promise<string> {
    const secret = await stack.grpc.call('Secret', 'create', { name: `replicas ${randomBytes(3).toString('hex')}`, provider: 'synthetic', data: { account_id: '500000000001' } });
    const collector = await stack.grpc.call('Collector', 'create', {
      name: `replicas ${randomBytes(3).toString('hex')}`,
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { include_types: false, ...options } },
      secret_filter: { state: 'ENABLED', secrets: [secret['secret_id']] },
    });
    return collector['collector_id'];
  }

  it('a worker-only replica serves grpc.health.v1 and /health, and nothing of the API', async () => {
    const worker = await stack.startReplica({ INVENTORY_ROLES: 'worker' });
    expect(await grpcHealth(worker.grpcAddress)).toBe('SERVING');
    expect(await get(worker.httpUrl, '/health')).toMatchObject({ status: 200, body: { status: 'SERVING', database: 'up' } });
    const overGrpc = await worker.grpc.call('Job', 'list', {}).then(
      () => undefined,
      (error: { code: number }) => error,
    );
    expect(overGrpc).toMatchObject({ code: status.UNIMPLEMENTED });
    expect(await post(worker.httpUrl, '/inventory/v1/job/list', {})).toMatchObject({
      status: 404,
      body: { code: 'ERROR_NOT_FOUND', message: 'This inventory process (INVENTORY_ROLES=worker) does not serve the API.' },
    });
    expect((await get(worker.httpUrl, '/docs')).status).toBe(404);
    // while the API-only process never claims a task (no worker log line)
    expect(stack.inventory.log()).not.toContain('up to');
    await worker.process.stop();
  });

  it('SIGTERM to a replica in the middle of its tasks: its batches commit, its tasks go to the other replica at once, the job ends with exact counters, and it exits 0 without an error line', async () => {
    // leases of 10 minutes: only a hand-back lets another replica continue within the test
    const workerEnv = { INVENTORY_ROLES: 'worker', TASK_LEASE_SECONDS: '600', WORKER_CONCURRENCY: '4' };
    const leaving = await stack.startReplica(workerEnv);
    const collectorId = await slowCollector({ count: 80, tasks: 2, delay_ms: 300 });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    const jobId = started['job_id'];
    const tasks = async () => (await stack.grpc.call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: jobId })).results;
    // both tasks run on the leaving replica and have written part of their resources
    await waitFor('both tasks to write on the first replica', async () => ((await tasks()).every((task) => task['created_count'] > 0) ? true : undefined), 60_000);
    const staying = await stack.startReplica(workerEnv);

    await leaving.process.stop('SIGTERM');
    expect(await leaving.process.exited).toBe(0);
    const log = leaving.process.log();
    expect(log).toContain('shutdown: 2 task(s) handed back to the queue');
    expect(log).toContain('inventory stopped');
    expect(errorLines(log)).toEqual([]);

    const job = await waitForJob(stack, jobId);
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 2, success_tasks: 2, remained_tasks: 0 });
    const ended = await tasks();
    expect(ended.reduce((sum, task) => sum + task['created_count'], 0)).toBe(80);
    // the second replica finished both
    for (const task of ended) expect(staying.process.log()).toContain(`job task ${task['job_task_id']} SUCCESS`);
    expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });
});

describe('the embedded default stopped by SIGTERM in the middle of a job', () => {
  // initdb of a fresh data folder, on a shared machine: more than the file's default time
  it('closes its pools before its PostgreSQL stops: no error line, exit code 0, the server gone', async () => {
    const stack = await startStack({ inventoryEnv: { INVENTORY_ROLES: 'api' } });
    const workDir = mkdtempSync(join(tmpdir(), 'cinv-embedded-'));
    // as root, the embedded PostgreSQL runs as the user postgres, which must reach its data folder
    chmodSync(workDir, 0o755);
    const [postgresPort, grpcPort, httpPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const inventory = startApp(
      'inventory',
      {
        DATA_DIR: join(workDir, 'data'),
        EMBEDDED_POSTGRES_PORT: String(postgresPort),
        INVENTORY_GRPC_LISTEN: `127.0.0.1:${grpcPort}`,
        INVENTORY_HTTP_HOST: '127.0.0.1',
        INVENTORY_HTTP_PORT: String(httpPort),
        INVENTORY_PLUGINS: stack.inventoryEnv['INVENTORY_PLUGINS'],
        QUEUE_POLL_MS: '200',
        INGEST_BATCH_SIZE: '10',
      },
      workDir,
    );
    let grpc = new InventoryGrpcClient(`127.0.0.1:${grpcPort}`);
    try {
      await waitFor('the embedded inventory', async () => ((await get(`http://127.0.0.1:${httpPort}`, '/health')).status === 200 ? true : undefined), 120_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${inventory.log()}`);
        },
      );
      // the embedded default's own admin token (written at its start)
      const unauthenticated = grpc;
      grpc = grpc.withMetadata({ token: readFileSync(join(workDir, 'data', 'admin.token'), 'utf8').trim() });
      unauthenticated.close();
      const secret = await grpc.call('Secret', 'create', { name: 'embedded', provider: 'synthetic', data: { account_id: '500000000002' } });
      const collector = await grpc.call('Collector', 'create', {
        name: 'embedded',
        provider: 'synthetic',
        plugin_info: { plugin_id: 'synthetic', options: { count: 100, delay_ms: 100, include_types: false } },
        secret_filter: { state: 'ENABLED', secrets: [secret['secret_id']] },
      });
      const job = await grpc.call('Collector', 'collect', { collector_id: collector['collector_id'] });
      await waitFor(
        'the task to write',
        async () => ((await grpc.call('JobTask', 'list', { job_id: job['job_id'] }))['results'][0]?.['created_count'] > 0 ? true : undefined),
        60_000,
      );
      await inventory.stop('SIGTERM');
      expect(await inventory.exited).toBe(0);
      const log = inventory.log();
      expect(log).toContain('inventory stopped');
      expect(errorLines(log)).toEqual([]);
      // its PostgreSQL is stopped too
      expect(await accepts(postgresPort)).toBe(false);
    } finally {
      grpc.close();
      await inventory.stop('SIGKILL');
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 300_000);
});
