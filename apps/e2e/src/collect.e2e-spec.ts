import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@cloud-inventory/database';
import { Stack, startStack, waitForJob } from '@cloud-inventory/testing';

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

  async function collect(): Promise<{ job: Record<string, any>; tasks: Record<string, any>[] }> {
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    expect(started).toMatchObject({ status: 'IN_PROGRESS', collector_id: collectorId, plugin_id: 'synthetic' });
    const job = await waitForJob(stack, started['job_id']);
    const { results } = await stack.grpc.call<{ results: Record<string, any>[] }>('JobTask', 'list', { job_id: job['job_id'] });
    return { job, tasks: results };
  }

  async function updateOptions(extra: Record<string, unknown>) {
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: options(extra) });
  }

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

  it('runs one task per secret and split when the plugin splits the collect (Job.get_tasks)', async () => {
    await updateOptions({ version: 3, tasks: 3 });
    const { job, tasks } = await collect();
    expect(job).toMatchObject({ status: 'SUCCESS', total_tasks: 6, success_tasks: 6 });
    expect(tasks).toHaveLength(6);
    expect(tasks.every((t) => t['status'] === 'SUCCESS')).toBe(true);
  });

  it('ends the task FAILURE when the plugin is unreachable', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    await stack.grpc.call('Plugin', 'register', { plugin_id: 'synthetic', endpoint: dead, service_type: 'COLLECTOR' });
    try {
      const { job, tasks } = await collect();
      expect(job).toMatchObject({ status: 'FAILURE', remained_tasks: 0, failure_tasks: 2 });
      for (const task of tasks) {
        expect(task['errors'][0]).toMatchObject({ error_code: 'ERROR_COLLECTOR_PLUGIN', message: expect.stringContaining('unreachable') });
      }
    } finally {
      await stack.grpc.call('Plugin', 'register', { plugin_id: 'synthetic', endpoint: stack.collectorPluginAddress, service_type: 'COLLECTOR' });
    }
  });
});
