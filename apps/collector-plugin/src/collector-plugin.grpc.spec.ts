import * as grpc from '@grpc/grpc-js';
import { INestMicroservice } from '@nestjs/common';
import { freePort } from '@cloud-inventory/database';
import { GRPC_CLIENT_OPTIONS, UnaryClient, serviceClientConstructor, unaryClient } from '@cloud-inventory/grpc';
import { healthGrpc, inventoryPlugin, inventoryPluginGrpc } from '@cloud-inventory/proto';
import { bootstrap } from './bootstrap';
import { SyntheticCollectorProvider } from './providers/synthetic/synthetic.collector-provider';
import { JsonRecord } from '@cloud-inventory/testing';

/**
 * The plugin as the inventory sees it: a real gRPC server started by bootstrap() and real grpc-js
 * clients, no mocks. The synthetic provider's stats are the window into server-side production.
 */
process.env['LOG_LEVEL'] ??= 'warn';
/** A backstop against a hung call, far above what any call takes even on a loaded machine. */
const CALL_DEADLINE_MS = 30_000;

type ResourceInfo = inventoryPlugin.ResourceInfo;
const SECRET = { account_id: '123456789012', secret_key: 'do-not-echo-me' };

let app: INestMicroservice;
let collector: grpc.Client;
let job: grpc.Client;
/** Typed clients (generated service definitions, ts-proto's codec) on the same channels. */
let collectorCalls: UnaryClient<typeof inventoryPluginGrpc.CollectorService>;
let jobCalls: UnaryClient<typeof inventoryPluginGrpc.JobService>;
let stats: SyntheticCollectorProvider['stats'];

beforeAll(async () => {
  const address = `127.0.0.1:${await freePort()}`;
  app = await bootstrap({ listen: address, defaultSource: 'synthetic' });
  stats = app.get(SyntheticCollectorProvider).stats;
  const Collector = serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector');
  const Job = serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Job');
  collector = new Collector(address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  job = new Job(address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  collectorCalls = unaryClient(collector, inventoryPluginGrpc.CollectorService);
  jobCalls = unaryClient(job, inventoryPluginGrpc.JobService);
});

afterAll(async () => {
  collector?.close();
  job?.close();
  await app?.close();
});

function startCollect(request: Partial<inventoryPlugin.CollectRequest>): grpc.ClientReadableStream<ResourceInfo> {
  const method = (collector as unknown as Record<string, (...args: unknown[]) => grpc.ClientReadableStream<ResourceInfo>>)['collect'];
  return method.call(collector, { filter: {}, ...request }, new grpc.Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS });
}

async function collectAll(request: Partial<inventoryPlugin.CollectRequest>): Promise<{ messages: ResourceInfo[]; error?: grpc.ServiceError }> {
  const messages: ResourceInfo[] = [];
  const call = startCollect(request);
  return new Promise((resolve) => {
    call.on('data', (message: ResourceInfo) => messages.push(message));
    call.on('error', (error: grpc.ServiceError) => resolve({ messages, error }));
    call.on('end', () => resolve({ messages }));
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

const pollOnce = () => new Promise((resolve) => setTimeout(resolve, 10));

async function waitFor(condition: () => boolean, timeoutMs = CALL_DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await pollOnce();
  }
}

/** Polls a counter until it has not moved for quietMs (production has stopped); returns its value. */
async function waitForSteady(read: () => number, quietMs = 300, timeoutMs = CALL_DEADLINE_MS): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still moving after ${timeoutMs} ms (at ${value})`);
    await pollOnce();
    if (read() !== value) {
      value = read();
      since = Date.now();
    }
  }
  return value;
}

describe('collector plugin over gRPC', () => {
  it('init returns the Cloudforet plugin metadata', async () => {
    const info = await collectorCalls.init({ options: {} }, { deadlineMs: CALL_DEADLINE_MS });
    expect(info.metadata).toMatchObject({
      supported_resource_type: ['inventory.CloudService', 'inventory.CloudServiceType', 'inventory.Region', 'inventory.Namespace', 'inventory.Metric'],
      supported_schedules: ['hours'],
      supported_features: ['garbage_collection'],
      filter_format: [],
    });
    const schema = info.metadata?.['options_schema'];
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['source', 'count', 'seed', 'version', 'mix', 'tasks', 'fail_after', 'namespaces', 'metrics', 'metrics_version', 'drift_every_seconds']),
    );
    expect(schema.properties.source).toMatchObject({ enum: ['synthetic'], default: 'synthetic' });
    expect(info.metadata).not.toHaveProperty('concurrency');
  });

  it('init announces metadata.concurrency when the options ask for it, as Cloudforet plugins do', async () => {
    const info = await collectorCalls.init({ options: { concurrency: 2 } }, { deadlineMs: CALL_DEADLINE_MS });
    expect(info.metadata).toMatchObject({ concurrency: 2 });
  });

  it('a generated client and a proto-loader client read the same init answer (nested objects, lists, numbers, booleans)', async () => {
    const generated = await collectorCalls.init({ options: { count: 3, seed: 7 } }, { deadlineMs: CALL_DEADLINE_MS });
    const generic = await new Promise<inventoryPlugin.PluginInfo>((resolve, reject) =>
      (collector as unknown as { init: (request: object, callback: (error: Error | null, info: inventoryPlugin.PluginInfo) => void) => void }).init({ options: { count: 3, seed: 7 } }, (error: Error | null, info: inventoryPlugin.PluginInfo) =>
        error ? reject(error) : resolve(info),
      ),
    );
    expect(generated.metadata).toEqual(generic.metadata);
    const schema = generated.metadata?.['options_schema'];
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.count).toMatchObject({ type: 'integer', minimum: expect.any(Number) });
    expect(Array.isArray(schema.properties.source.enum)).toBe(true);
  });

  it('init rejects bad options and an unknown source with INVALID_ARGUMENT', async () => {
    const bad = await rejectionOf(collectorCalls.init({ options: { count: -3 } }, { deadlineMs: CALL_DEADLINE_MS }));
    expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.details).toContain('options.count');
    const unknown = await rejectionOf(collectorCalls.init({ options: { source: 'azure' } }, { deadlineMs: CALL_DEADLINE_MS }));
    expect(unknown.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(unknown.details).toContain('Unknown collector source "azure" in options.source (known: synthetic)');
  });

  it('verify accepts a good secret and rejects bad secret_data without echoing it', async () => {
    await expect(collectorCalls.verify({ options: {}, secret_data: SECRET }, { deadlineMs: CALL_DEADLINE_MS })).resolves.toBeDefined();
    for (const secret_data of [{}, { account_id: '' }, { account_id: 7, secret_key: 'do-not-echo-me' }]) {
      const error = await rejectionOf(collectorCalls.verify({ options: {}, secret_data }, { deadlineMs: CALL_DEADLINE_MS }));
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error.details).toContain('secret_data.account_id must be a non-empty string');
      expect(error.details).not.toContain('do-not-echo-me');
    }
  });

  it('collect streams count CloudServices then the types and regions, Structs as plain objects', async () => {
    const { messages, error } = await collectAll({ options: { count: 120, invalid: 2, error_resources: 3 }, secret_data: SECRET });
    expect(error).toBeUndefined();
    expect(messages).toHaveLength(120 + 2 + 3 + 5 + 6);
    const byType = (type: string) => messages.filter((message) => message.resource_type === type);
    const cloudServices = byType('inventory.CloudService').filter((message) => message.resource?.['cloud_service_type']);
    expect(cloudServices).toHaveLength(120);
    expect(byType('inventory.CloudService')).toHaveLength(122);
    expect(byType('inventory.ErrorResource')).toHaveLength(3);
    expect(byType('inventory.CloudServiceType')).toHaveLength(5);
    expect(byType('inventory.Region')).toHaveLength(6);
    expect(messages.slice(-11).map((message) => message.resource_type)).toEqual([
      ...Array(5).fill('inventory.CloudServiceType'),
      ...Array(6).fill('inventory.Region'),
    ]);

    const first = cloudServices[0];
    expect(first.state).toBe('SUCCESS');
    expect(first.match_rules).toEqual({ '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'] });
    const resource = first.resource as JsonRecord;
    expect(resource['account']).toBe('123456789012');
    expect(resource['reference']).toEqual({ resource_id: 'syn-1-0', external_link: expect.stringContaining('syn-1-0') });
    expect(Array.isArray(resource['ip_addresses'])).toBe(true);
    expect(Array.isArray(resource['data'].compute.security_groups)).toBe(true);
    expect(typeof resource['data'].hardware.core).toBe('number');
    expect(resource['tags']).toEqual(expect.objectContaining({ Name: resource['name'] }));

    const failure = byType('inventory.ErrorResource')[0];
    expect(failure.state).toBe('FAILURE');
    expect(failure.message).toMatch(/^synthetic error resource 0: failed to collect/);
    expect(failure.resource).toEqual(expect.objectContaining({ resource_type: 'inventory.CloudService', provider: 'synthetic' }));
  });

  it('collect validates before streaming: bad options or secret → INVALID_ARGUMENT and no message', async () => {
    const badOption = await collectAll({ options: { tasks: 0 }, secret_data: SECRET });
    expect(badOption.messages).toHaveLength(0);
    expect(badOption.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badOption.error?.details).toContain('options.tasks');
    const badSecret = await collectAll({ options: { count: 3 }, secret_data: { account_id: '' } });
    expect(badSecret.messages).toHaveLength(0);
    expect(badSecret.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('fail_after ends the stream with INTERNAL after exactly N messages', async () => {
    const { messages, error } = await collectAll({ options: { count: 500, fail_after: 37 }, secret_data: SECRET });
    expect(messages).toHaveLength(37);
    expect(error?.code).toBe(grpc.status.INTERNAL);
    expect(error?.details).toContain('synthetic failure after 37 resources');
  });

  it('get_tasks returns `tasks` tasks whose collects partition the stream', async () => {
    const options = { count: 301, tasks: 3, invalid: 4 };
    const answer = await jobCalls.getTasks({ options, secret_data: SECRET, task_filter: undefined }, { deadlineMs: CALL_DEADLINE_MS });
    expect(answer.tasks.map((task) => task.task_options)).toEqual([
      { part: 0, parts: 3 },
      { part: 1, parts: 3 },
      { part: 2, parts: 3 },
    ]);
    const parts = await Promise.all(answer.tasks.map((task) => collectAll({ options, secret_data: SECRET, task_options: task.task_options })));
    const ids = parts.flatMap(({ messages }) =>
      messages.filter((message) => message.resource_type === 'inventory.CloudService').map((message) => message.resource?.['reference'].resource_id),
    );
    expect(ids).toHaveLength(305);
    expect(new Set(ids).size).toBe(305);
    expect(parts.map(({ messages }) => messages.filter((message) => message.resource_type === 'inventory.Region').length)).toEqual([6, 0, 0]);

    const badSecret = await rejectionOf(jobCalls.getTasks({ options, secret_data: {}, task_filter: undefined }, { deadlineMs: CALL_DEADLINE_MS }));
    expect(badSecret.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('stops generating when the client cancels', async () => {
    const before = stats.generated;
    const call = startCollect({ options: { count: 1_000_000 }, secret_data: SECRET });
    let received = 0;
    const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
      call.on('error', (error: grpc.ServiceError) => resolve(error));
      call.on('end', () => resolve(undefined));
    });
    call.on('data', () => {
      received++;
      if (received === 5) call.cancel();
    });
    expect((await ended)?.code).toBe(grpc.status.CANCELLED);
    // the generator closed (its finally ran): nothing more can come of it
    await waitFor(() => stats.open === 0);
    expect(stats.generated - before).toBeLessThan(10_000);
  });

  it('honours backpressure: a paused client keeps the server from generating the stream', async () => {
    const before = stats.generated;
    const call = startCollect({ options: { count: 1_000_000 }, secret_data: SECRET });
    const ended = new Promise<void>((resolve) => {
      call.on('error', () => resolve());
      call.on('end', () => resolve());
    });
    let holding = true;
    call.on('data', () => {
      if (holding) call.pause();
    });
    await waitFor(() => stats.generated - before > 0);
    // the server stops once the transport's windows are full, far short of the stream
    const generated = (await waitForSteady(() => stats.generated)) - before;
    expect(stats.open).toBe(1);
    expect(generated).toBeLessThan(5_000);

    holding = false;
    call.resume();
    await waitFor(() => stats.generated - before > generated + 1_000);
    call.cancel();
    await ended;
    await waitFor(() => stats.open === 0);
  });

  it('answers grpc.health.v1 for the plugin services', async () => {
    const answer = await unaryClient(collector, healthGrpc.HealthService).check({ service: 'spaceone.api.inventory.plugin.Collector' }, { deadlineMs: CALL_DEADLINE_MS });
    expect(answer.status).toBe(healthGrpc.HealthCheckResponse_ServingStatus.SERVING);
  });
});
