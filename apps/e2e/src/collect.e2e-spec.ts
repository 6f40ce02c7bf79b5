import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@cloud-inventory/database';
import { inventoryInvariantViolations, JsonRecord, Stack, startStack, waitForJob } from '@cloud-inventory/testing';

const COUNT = 120;
const CHANGE_EVERY = 10;
const CHANGED = Math.ceil(COUNT / CHANGE_EVERY); // indexes 0, 10, 20, ... change with the version

describe('collect, end to end (three processes, gRPC, PostgreSQL)', () => {
  let stack: Stack;
  let collectorId: string;
  const secretIds: string[] = [];

  const options = (extra: Record<string, unknown> = {}) => ({
    count: COUNT,
    seed: 7,
    version: 1,
    change_every: CHANGE_EVERY,
    storage_plugin: { plugin_id: 'file-storage', options: {} },
    ...extra,
  });

  async function collect(): Promise<{ job: JsonRecord; tasks: JsonRecord[] }> {
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    expect(started).toMatchObject({ status: 'IN_PROGRESS', collector_id: collectorId, plugin_id: 'synthetic' });
    const job = await waitForJob(stack, started['job_id']);
    const { results } = await stack.grpc.call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: job['job_id'] });
    return { job, tasks: results };
  }

  async function updateOptions(extra: Record<string, unknown>) {
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: options(extra) });
  }

  /** The reference.resource_id of the secret's cloud services in a state, sorted. */
  async function resourceIds(secretId: string, state: 'ACTIVE' | 'DISCONNECTED'): Promise<string[]> {
    const { results } = await stack.grpc.call<{ results: { reference: { resource_id: string } }[] }>('CloudService', 'list', {
      provider: 'synthetic',
      state,
      query: { filter: [{ k: 'collection_info.secret_id', v: secretId, o: 'eq' }], only: ['reference'] },
    });
    return results.map((r) => r.reference.resource_id).sort();
  }

  /** What the synthetic plugin sends for indexes [0, count): syn-<seed>-<index>, sorted. */
  const syntheticIds = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `syn-7-${from + i}`).sort();

  /** Per secret: the sum of a counter over its tasks. */
  const perSecret = (tasks: JsonRecord[], counter: string) =>
    Object.fromEntries(secretIds.map((id) => [id, tasks.filter((t) => t['secret_id'] === id).reduce((sum, t) => sum + t[counter], 0)]));
  const eachSecret = (value: number) => Object.fromEntries(secretIds.map((id) => [id, value]));

  beforeAll(async () => {
    stack = await startStack();
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'synthetic e2e',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: options() },
    });
    collectorId = collector['collector_id'];
    expect(collector['plugin_info']['metadata']['supported_resource_type']).toContain('inventory.CloudService');
    for (const account of ['111111111111', '222222222222']) {
      const secret = await stack.grpc.call('Secret', 'create', {
        name: `account ${account}`,
        provider: 'synthetic',
        data: { account_id: account, api_key: `key-${account}-do-not-leak` },
      });
      expect(secret).not.toHaveProperty('data');
      secretIds.push(secret['secret_id']);
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  // whatever a test did, each resource is stored once, counters are what is stored, and only the
  // last successful split of a secret disconnected anything
  afterEach(async () => {
    if (stack) expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });

  it('collects every resource of two secrets: the job SUCCEEDS with exact counters, and the storage plugin wrote the files', async () => {
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 2, success_tasks: 2, failure_tasks: 0, remained_tasks: 0 });
    expect(job['finished_at']).not.toEqual('');
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      expect(task).toMatchObject({ status: 'SUCCESS', created_count: COUNT, updated_count: 0, failure_count: 0, disconnected_count: 0 });
    }
    expect(tasks.map((t) => t['secret_id']).sort()).toEqual([...secretIds].sort());

    const listed = await stack.grpc.call('CloudService', 'list', { provider: 'synthetic', query: { page: { limit: 5 } } });
    expect(listed['total_count']).toBe(2 * COUNT);
    expect(listed['results']).toHaveLength(5);
    expect(listed['results'][0]).toMatchObject({ provider: 'synthetic', state: 'ACTIVE', collection_info: { collector_id: collectorId } });

    const jobDir = join(stack.exportDir, job['job_id']);
    expect(existsSync(join(jobDir, '_manifest.json'))).toBe(true);
    const lines = readFileSync(join(jobDir, 'inventory.CloudService.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2 * COUNT);
    expect(readdirSync(jobDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    // secret values never leave the inventory except towards the plugin
    expect(readFileSync(join(jobDir, 'inventory.CloudService.ndjson'), 'utf8')).not.toContain('do-not-leak');
    expect(stack.inventory.log()).not.toContain('do-not-leak');
  });

  it('counts a new version as updates of exactly the changed resources, and creates nothing', async () => {
    await updateOptions({ version: 2 });
    const { job, tasks } = await collect();
    expect(job['status']).toBe('SUCCESS');
    for (const task of tasks) expect(task).toMatchObject({ created_count: 0, updated_count: CHANGED, failure_count: 0 });
  });

  it('records invalid resources and plugin errors as failures with their messages; the job fails', async () => {
    await updateOptions({ version: 2, invalid: 3, error_resources: 2 });
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'FAILURE', failure_tasks: 2, success_tasks: 0, remained_tasks: 0 });
    for (const task of tasks) {
      expect(task).toMatchObject({ status: 'FAILURE', created_count: 0, updated_count: 0, failure_count: 5 });
      const codes = task['errors'].map((e: { error_code: string }) => e.error_code);
      expect(codes.filter((c: string) => c === 'ERROR_PLUGIN')).toHaveLength(2);
      expect(codes.filter((c: string) => c !== 'ERROR_PLUGIN')).toHaveLength(3);
      for (const error of task['errors']) expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it('disconnects the resources that disappeared', async () => {
    await updateOptions({ version: 2, count: COUNT - 20 });
    const { job, tasks } = await collect();
    expect(job['status']).toBe('SUCCESS');
    for (const task of tasks) expect(task).toMatchObject({ created_count: 0, updated_count: 0, disconnected_count: 20 });
    const disconnected = await stack.grpc.call('CloudService', 'list', { provider: 'synthetic', state: 'DISCONNECTED' });
    expect(disconnected['total_count']).toBe(40);
  });

  it('ends the task FAILURE with the plugin\'s message when the stream breaks midway, never stuck IN_PROGRESS', async () => {
    await updateOptions({ version: 3, fail_after: 30 });
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'FAILURE', remained_tasks: 0, failure_tasks: 2 });
    for (const task of tasks) {
      expect(task['status']).toBe('FAILURE');
      expect(task['errors']).toEqual(
        expect.arrayContaining([expect.objectContaining({ error_code: 'ERROR_COLLECTOR_PLUGIN', message: expect.stringMatching(/synthetic/i) })]),
      );
      // a partial run disconnects nothing
      expect(task['disconnected_count']).toBe(0);
    }
  });

  it('runs one task per secret and split when the plugin splits the collect (Job.get_tasks), and revives what comes back', async () => {
    await updateOptions({ version: 3, tasks: 3 });
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 6, success_tasks: 6 });
    expect(tasks).toHaveLength(6);
    expect(tasks.every((t) => t['status'] === 'SUCCESS')).toBe(true);
    // the 20 a test above disconnected are back, and no split disconnected another's resources
    expect(perSecret(tasks, 'created_count')).toEqual(eachSecret(0));
    expect(perSecret(tasks, 'disconnected_count')).toEqual(eachSecret(0));
    for (const secretId of secretIds) {
      expect(await resourceIds(secretId, 'ACTIVE')).toEqual(syntheticIds(0, COUNT));
      expect(await resourceIds(secretId, 'DISCONNECTED')).toEqual([]);
    }
  });

  it('writes and disconnects nothing when a split collect sees the same inventory again', async () => {
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 6, success_tasks: 6 });
    for (const task of tasks) expect(task).toMatchObject({ created_count: 0, updated_count: 0, disconnected_count: 0, deleted_count: 0 });
  });

  it('disconnects, after all the splits of a secret, exactly the resources none of them saw', async () => {
    await updateOptions({ version: 3, tasks: 3, count: COUNT - 30 });
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 6, success_tasks: 6 });
    expect(perSecret(tasks, 'disconnected_count')).toEqual(eachSecret(30));
    expect(perSecret(tasks, 'updated_count')).toEqual(eachSecret(0));
    for (const secretId of secretIds) {
      expect(await resourceIds(secretId, 'ACTIVE')).toEqual(syntheticIds(0, COUNT - 30));
      expect(await resourceIds(secretId, 'DISCONNECTED')).toEqual(syntheticIds(COUNT - 30, COUNT));
    }
  });

  it('revives the disconnected resources that come back in a split collect, counted as updates, not created again', async () => {
    await updateOptions({ version: 3, tasks: 3 });
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 6, success_tasks: 6 });
    expect(perSecret(tasks, 'created_count')).toEqual(eachSecret(0));
    expect(perSecret(tasks, 'updated_count')).toEqual(eachSecret(30));
    expect(perSecret(tasks, 'disconnected_count')).toEqual(eachSecret(0));
    for (const secretId of secretIds) expect(await resourceIds(secretId, 'ACTIVE')).toEqual(syntheticIds(0, COUNT));
  });

  it('ends the task FAILURE when the plugin is unreachable', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const system = await stack.as({ domain: 'domain-default', role: 'SYSTEM' });
    await system.grpc.call('Plugin', 'register', { plugin_id: 'synthetic', endpoint: dead, service_type: 'COLLECTOR' });
    try {
      const { job, tasks } = await collect();
      expect(job).toMatchObject({ status: 'FAILURE', remained_tasks: 0, failure_tasks: 2 });
      for (const task of tasks) {
        expect(task['errors'][0]).toMatchObject({ error_code: 'ERROR_COLLECTOR_PLUGIN', message: expect.stringContaining('unreachable') });
      }
    } finally {
      await system.grpc.call('Plugin', 'register', { plugin_id: 'synthetic', endpoint: stack.collectorPluginAddress, service_type: 'COLLECTOR' });
    }
  });

  it('(the invariant check itself) names each kind of breakage it looks for', async () => {
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      // a resource stored twice (the unique index dropped first, in this transaction only)
      await client.query('DROP INDEX "UQ_cloud_service_identity"');
      await client.query(`INSERT INTO cloud_service
                            SELECT (jsonb_populate_record(cs, '{"cloud_service_id": "cloud-svc-twin"}')).* FROM cloud_service cs
                             WHERE state = 'ACTIVE' ORDER BY cloud_service_id LIMIT 1`);
      const [job] = (await client.query(`SELECT job_id FROM job WHERE status = 'SUCCESS' ORDER BY created_at LIMIT 1`)).rows;
      const [first, second] = (await client.query(`SELECT job_task_id FROM job_task WHERE job_id = $1 ORDER BY job_task_id`, [job.job_id])).rows;
      // a job counting a task it does not have
      await client.query(`UPDATE job SET total_tasks = total_tasks + 1, success_tasks = success_tasks + 1 WHERE job_id = $1`, [job.job_id]);
      // created counters without their rows (the twin above is one row more: two counts more)
      await client.query(`UPDATE job_task SET created_count = created_count + 2 WHERE job_task_id = $1`, [first.job_task_id]);
      // a task back IN_PROGRESS with nothing queued to run it, in a job that says it was canceled
      await client.query(`UPDATE job_task SET status = 'IN_PROGRESS' WHERE job_task_id = $1`, [second.job_task_id]);
      await client.query(`UPDATE job SET status = 'CANCELED' WHERE job_id = $1`, [job.job_id]);
      // an ending recorded twice
      for (let copy = 0; copy < 2; copy++) {
        await client.query(
          `INSERT INTO job_task_ending (job_id, job_task_id, secret_id, succeeded, finished_at) SELECT job_id, job_task_id, secret_id, true, finished_at FROM job_task WHERE job_task_id = $1`,
          [first.job_task_id],
        );
      }
      // a resource disconnected by no task
      await client.query(`UPDATE cloud_service SET state = 'DISCONNECTED', updated_at = now() WHERE cloud_service_id =
                            (SELECT cloud_service_id FROM cloud_service WHERE state = 'ACTIVE' ORDER BY cloud_service_id DESC LIMIT 1)`);
      const violations = await inventoryInvariantViolations(client);
      for (const rule of [
        'one live cloud_service row per identity',
        'one live cloud_service row per reference.resource_id within a collector and secret',
        "a job's counters, with its endings not yet folded, equal its stored tasks",
        'each ending is recorded once, for a task that has ended',
        'a job stopped (CANCELED, TIMEOUT) has no task left open',
        'a task is queued while, and only while, it has not ended',
        "a collector's created_count, summed over its tasks, equals its stored cloud services, namespaces and metrics",
        'every DISCONNECTED cloud service was disconnected by a counted, successful end of its collector and secret',
      ]) {
        expect({ rule, found: violations.some((v) => v.startsWith(`${rule}: `)) }).toEqual({ rule, found: true });
      }
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });
});
