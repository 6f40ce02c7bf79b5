import { randomBytes } from 'node:crypto';
import { secretV1 } from '@cloud-inventory/proto';
import { encodeResourceInfo } from '@cloud-inventory/wire';
import { CollectorRepository } from '../collector/collector.repository';
import { IngestRepository } from '../ingest/ingest.repository';
import { InventoryConfig } from '../inventory.config';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryRepository } from '../plugin/plugin-registry.repository';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretCipher } from '../secret/secret-cipher';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { instance } from '../testing/cloud-services';
import { createJob } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { RawCollectorPlugin, startRawCollectorPlugin } from '../testing/raw-collector-plugin';
import { JobTraceRepository } from './job-trace.repository';
import { StorageExporters } from './storage-exporter';
import { TaskEnding } from './task-ending';
import { TaskRunner } from './task-runner';

const OWNER = 'worker-hostile';
const DOMAIN = 'domain-hostile';
const MAX_RESOURCE_BYTES = 16 * 1024;

type Json = Record<string, unknown>;

/** mulberry32: a small seeded PRNG, so that a failing fuzz run can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const frame = (info: Parameters<typeof encodeResourceInfo>[0]): Buffer => Buffer.from(encodeResourceInfo(info));
const good = (id: number, extra: Json = {}) => frame({ state: 'SUCCESS', ...instance(id, extra) });

/** `good(id, extra)` with the text `placeholder` replaced, byte for byte, by `bytes` (no encoder writes invalid UTF-8). */
function withBytes(buf: Buffer, placeholder: string, bytes: number[]): Buffer {
  const at = buf.indexOf(placeholder);
  if (at < 0) throw new Error(`no ${placeholder} in the frame`);
  const copy = Buffer.from(buf);
  Buffer.from(bytes).copy(copy, at);
  return copy;
}

function deep(levels: number): Json {
  let value: Json = { leaf: true };
  for (let i = 0; i < levels; i++) value = { d: value };
  return value;
}

/** Every kind of bad frame, each from its own resource id `id` (a bad frame never reuses a good one's identity). */
const BAD_FRAMES: Array<[name: string, make: (id: number, random: () => number) => Buffer]> = [
  ['NUL in data', (id) => good(id, { data: { note: 'a\u0000b' } })],
  ['NUL in a tag value', (id) => good(id, { tags: [{ key: 'env', value: 'x\u0000' }] })],
  ['NUL in a metadata key', (id) => good(id, { metadata: { ['view\u0000']: 1 } })],
  ['NUL in json_data', (id) => good(id, { data: undefined, json_data: '{"a":"\\u0000"}' })],
  ['invalid UTF-8 in data', (id) => withBytes(good(id, { data: { note: 'PLACEHOLDER' } }), 'PLACEHOLDER', [0xc3, 0x28])],
  ['invalid UTF-8 in metadata', (id) => withBytes(good(id, { metadata: { m: ['PLACEHOLDER'] } }), 'PLACEHOLDER', [0xff, 0xfe])],
  ['invalid UTF-8 in tags', (id) => withBytes(good(id, { tags: { env: 'PLACEHOLDER' } }), 'PLACEHOLDER', [0xed, 0xa0, 0x80])],
  ['invalid UTF-8 in the name', (id) => withBytes(good(id, { name: 'PLACEHOLDER' }), 'PLACEHOLDER', [0xc0, 0xaf])],
  ['a Struct 200 levels deep', (id) => good(id, { data: deep(200) })],
  ['a resource over INGEST_MAX_RESOURCE_BYTES', (id) => good(id, { data: { blob: 'x'.repeat(MAX_RESOURCE_BYTES) } })],
  ['random bytes', (_id, random) => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)))],
  [
    'a truncated message',
    (id, random) => {
      const whole = good(id);
      return whole.subarray(0, 1 + Math.floor(random() * (whole.length - 2)));
    },
  ],
  ['the resource as a varint (a wrong wire type)', () => Buffer.from([0x1a, 0x16, ...Buffer.from('inventory.CloudService'), 0x30, 0x05])],
  ['a string where the resource Struct belongs', () => Buffer.from([0x1a, 0x16, ...Buffer.from('inventory.CloudService'), 0x32, 0x03, 0x61, 0x62, 0x63])],
  ['data of the wrong type', (id) => good(id, { data: 'not an object' })],
  ['tags of the wrong type', (id) => good(id, { tags: 42 })],
];

describe('A hostile collector plugin, against PostgreSQL and the real task runner', () => {
  let db: MigratedDatabase;
  let plugin: RawCollectorPlugin;
  let clients: PluginClients;
  let secrets: SecretService;
  let runner: TaskRunner;
  let config: InventoryConfig;
  /** What the plugin streams, by the collect's `marker` option. */
  const streams = new Map<string, Buffer[]>();

  beforeAll(async () => {
    db = await createMigratedDatabase();
    plugin = await startRawCollectorPlugin((options) => streams.get(String(options['marker'])) ?? []);
    config = testConfig({ maxResourceBytes: MAX_RESOURCE_BYTES, batchSize: 1000 });
    const states = new TaskStateRepository(db.dataSource, config);
    const ingest = new IngestRepository(db.dataSource, config, states);
    const secretRepository = new SecretRepository(db.dataSource);
    secrets = new SecretService(secretRepository, new SecretCipher(randomBytes(32)), { quotas: { collectorsPerDomain: 1000, secretsPerDomain: 1000 } });
    const registryRepository = new PluginRegistryRepository(db.dataSource);
    const registry = new PluginRegistryService(registryRepository, config);
    await registryRepository.upsert({ plugin_id: 'raw-collector', service_type: 'COLLECTOR', endpoint: plugin.endpoint, name: 'raw', version: '', tags: {}, registered_by: 'api' });
    clients = new PluginClients(config);
    runner = new TaskRunner(
      config,
      states,
      new TaskEnding(db.dataSource, states, ingest, new CollectorRepository(db.dataSource), new StorageExporters(registry, clients)),
      ingest,
      new CollectorRepository(db.dataSource),
      secretRepository,
      secrets,
      registry,
      clients,
      new StorageExporters(registry, clients),
      new JobTraceRepository(db.dataSource),
    );
  });

  afterAll(async () => {
    clients.onApplicationShutdown();
    await plugin.close();
    await db.close();
  });

  /** Runs one task of a collector whose plugin streams `frames`; the task's row once it has ended. */
  async function collect(marker: string, frames: Buffer[]): Promise<Json> {
    streams.set(marker, frames);
    const secret = await secrets.create(
      {
        name: `secret-${marker}`,
        data: { access_key: 'AKIA-hostile' },
        schema_id: '',
        tags: {},
        resource_group: secretV1.CreateSecretRequest_ResourceGroup.DOMAIN,
        workspace_id: '',
        project_id: '',
        service_account_id: '',
        trusted_secret_id: '',
        provider: 'aws',
      },
      { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const },
    );
    const collectorId = `collector-${marker}`;
    await db.dataSource.query(
      `INSERT INTO collector (collector_id, name, plugin_id, plugin_info, secret_filter, schedule, resource_group, domain_id, workspace_id)
       VALUES ($1, $1, 'raw-collector', $2, '{}', '{}', 'DOMAIN', $3, '*')`,
      [collectorId, { plugin_id: 'raw-collector', version: '', options: { marker }, metadata: {}, upgrade_mode: 'AUTO' }, DOMAIN],
    );
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: OWNER, collectorId, domainId: DOMAIN, secrets: [secret.secret_id], workspaceId: `ws-${marker}` });
    const taskId = job.tasks[0].job_task_id;
    await runner.run({ job_task_id: taskId, job_id: job.jobId, attempts: 1 }, OWNER, new AbortController().signal);
    return (await db.dataSource.query(`SELECT * FROM job_task WHERE job_task_id = $1`, [taskId]))[0];
  }

  const storedNames = async (marker: string): Promise<string[]> =>
    (
      await db.dataSource.query(`SELECT name FROM cloud_service WHERE collector_id = $1 ORDER BY name`, [`collector-${marker}`])
    ).map((row: { name: string }) => row.name);

  it('fails each resource with a NUL, invalid UTF-8, too deep a Struct or too many bytes alone, with its error; the rest of the batch is stored', async () => {
    const frames: Buffer[] = [];
    const random = prng(1);
    BAD_FRAMES.forEach(([, make], i) => {
      frames.push(good(1000 + i));
      frames.push(make(2000 + i, random));
    });
    const task = await collect('batch', frames);
    // a task that counted failures ends FAILURE, as in Cloudforet; what matters is that it ended with these counts
    expect(task).toMatchObject({ status: 'FAILURE', created_count: BAD_FRAMES.length, failure_count: BAD_FRAMES.length });
    expect(await storedNames('batch')).toEqual(BAD_FRAMES.map((_, i) => `vm-${1000 + i}`).sort());
    const messages = (task['errors'] as Array<{ error_code: string; message: string }>).map((e) => `${e.error_code}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ERROR_INVALID_RESOURCE: .*NUL character/),
        expect.stringMatching(/^ERROR_INVALID_RESOURCE: .*not valid UTF-8/),
        expect.stringMatching(/^ERROR_INVALID_RESOURCE: .*nested deeper than 64 levels/),
        expect.stringMatching(/^ERROR_INVALID_RESOURCE: .*over the limit of 16384 bytes \(INGEST_MAX_RESOURCE_BYTES\)/),
        expect.stringMatching(/^ERROR_INVALID_RESOURCE: The plugin sent a resource that cannot be read: protobuf: /),
        expect.stringMatching(/^ERROR_INVALID_PARAMETER_TYPE: .*key = data/),
      ]),
    );
    expect(messages.join('\n')).not.toMatch(/Maximum call stack|ERROR_INTERNAL/);
  });

  // A seed per run: a failure prints it, and FUZZ_SEED=<seed> replays that run.
  const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);

  it(`survives a fuzzed stream: every bad frame is one counted failure, every good one stored, the task ends (seed ${seed})`, async () => {
    const random = prng(seed);
    const frames: Buffer[] = [];
    let goodCount = 0;
    let badCount = 0;
    for (let i = 0; i < 300; i++) {
      if (random() < 0.4) {
        frames.push(good(i));
        goodCount++;
      } else {
        const [, make] = BAD_FRAMES[Math.floor(random() * BAD_FRAMES.length)];
        frames.push(make(10_000 + i, random));
        badCount++;
      }
    }
    const task = await collect(`fuzz-${seed}`, frames);
    expect({ seed, status: task['status'], created: task['created_count'], failed: task['failure_count'] }).toEqual({
      seed,
      status: badCount > 0 ? 'FAILURE' : 'SUCCESS',
      created: goodCount,
      failed: badCount,
    });
    expect((await storedNames(`fuzz-${seed}`)).length).toBe(goodCount);
  });
});
