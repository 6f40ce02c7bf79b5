import { INestMicroservice } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { freePort } from '@cloud-inventory/database';
import { GRPC_CLIENT_OPTIONS, UnaryClient, unaryClient } from '@cloud-inventory/grpc';
import { inventoryPluginGrpc } from '@cloud-inventory/proto';
import { JsonObject } from '@cloud-inventory/wire';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from './bootstrap';

type StorageCalls = UnaryClient<typeof inventoryPluginGrpc.StorageService>;
const NO_FIELDS = { options: undefined, schema: '', secret_data: undefined, data: undefined };

/**
 * The plugin as a gRPC server on a free port (its proto-loader codec), called through the
 * generated client the inventory uses (ts-proto's codec): every JSON value below crosses both.
 */
describe('storage plugin over gRPC', () => {
  let base: string;
  let app: INestMicroservice;
  let client: grpc.Client;
  let calls: StorageCalls;

  const call = <M extends keyof StorageCalls>(method: M, request: JsonObject): ReturnType<StorageCalls[M]> =>
    calls[method]({ ...NO_FIELDS, ...request } as never, { deadlineMs: 30_000 }) as ReturnType<StorageCalls[M]>;

  async function status(promise: Promise<unknown>): Promise<grpc.ServiceError> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeDefined();
    return error as grpc.ServiceError;
  }

  beforeAll(async () => {
    process.env['LOG_LEVEL'] = 'warn';
    base = await mkdtemp(join(tmpdir(), 'storage-grpc-'));
    const listen = `127.0.0.1:${await freePort()}`;
    app = await bootstrap({ listen, fileDir: base, defaultDestination: 'file' });
    client = new grpc.Client(listen, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
    calls = unaryClient(client, inventoryPluginGrpc.StorageService);
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    await rm(base, { recursive: true, force: true });
  });

  it('init returns the plugin metadata', async () => {
    const info = await call('init', { options: {} });
    expect(info.metadata).toMatchObject({
      supported_destinations: ['file'],
      default_destination: 'file',
      data_format: 'ndjson',
      data_kinds: ['resources', 'job_finished'],
      data_version: 1,
    });
  });

  it('verify succeeds on a writable folder and is FAILED_PRECONDITION on one below a regular file', async () => {
    await call('verify', { options: { path: 'verified' }, secret_data: { password: 'hunter2' } });
    expect(await readdir(join(base, 'verified'))).toEqual([]);

    await writeFile(join(base, 'not-a-dir'), 'x');
    const error = await status(call('verify', { options: { path: 'not-a-dir/exports' }, secret_data: { password: 'hunter2' } }));
    expect(error.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(error.details).toContain(join(base, 'not-a-dir', 'exports'));
    expect(error.details).not.toContain('hunter2');
  });

  // Struct values of every kind, nested: what the generated client writes is what the server stores
  const NESTED = {
    ratio: -0.25,
    big: 2 ** 53 - 1,
    on: true,
    off: false,
    nothing: null,
    name: 'web ✓ 云 "quoted"',
    tags: [{ key: 'env', value: 'prod' }],
    matrix: [[1, 2], [], [null, true, 'x', { deep: [{}] }]],
    empty: {},
  };

  it('export of resource batches from concurrent tasks, then job_finished, leaves complete files and a manifest', async () => {
    const batch = (task: string, resourceType: string, from: number, count: number) => ({
      options: { destination: 'file', path: 'exports' },
      secret_data: {},
      data: {
        kind: 'resources', job_id: 'job-42', job_task_id: task, collector_id: 'collector-1', domain_id: 'domain-1', resource_type: resourceType,
        resources: Array.from({ length: count }, (_, i) => ({ cloud_service_id: `${task}-${from + i}`, data: { size: from + i, ...NESTED } })),
      },
    });
    await Promise.all([
      call('export', batch('task-a', 'inventory.CloudService', 0, 100)),
      call('export', batch('task-b', 'inventory.CloudService', 0, 50)),
      call('export', batch('task-a', 'inventory.CloudService', 100, 100)),
      call('export', batch('task-b', 'inventory.Region', 0, 3)),
    ]);
    const jobDir = join(base, 'exports', 'job-42');
    expect((await readdir(jobDir)).sort()).toEqual(['inventory.CloudService.ndjson.partial', 'inventory.Region.ndjson.partial']);

    await call('export', { options: { path: 'exports' }, data: { kind: 'job_finished', job_id: 'job-42', collector_id: 'collector-1', domain_id: 'domain-1', status: 'SUCCESS' } });
    expect((await readdir(jobDir)).sort()).toEqual(['_manifest.json', 'inventory.CloudService.ndjson', 'inventory.Region.ndjson']);

    const lines = (await readFile(join(jobDir, 'inventory.CloudService.ndjson'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(250);
    expect(lines.find((l) => l.resource.cloud_service_id === 'task-b-7')).toEqual({
      job_id: 'job-42', job_task_id: 'task-b', collector_id: 'collector-1', domain_id: 'domain-1', resource_type: 'inventory.CloudService',
      resource: { cloud_service_id: 'task-b-7', data: { size: 7, ...NESTED } },
    });
    const manifest = JSON.parse(await readFile(join(jobDir, '_manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      job_id: 'job-42', status: 'SUCCESS',
      files: [
        { resource_type: 'inventory.CloudService', file: 'inventory.CloudService.ndjson', lines: 250 },
        { resource_type: 'inventory.Region', file: 'inventory.Region.ndjson', lines: 3 },
      ],
    });

    // a repeated job_finished is fine; a late batch is refused
    await call('export', { options: { path: 'exports' }, data: { kind: 'job_finished', job_id: 'job-42', status: 'SUCCESS' } });
    const late = await status(call('export', batch('task-c', 'inventory.Region', 0, 1)));
    expect(late.code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it.each([
    ['no data', { options: {} }, /data is required/],
    ['no kind', { data: { job_id: 'job-1' } }, /data\.kind is required/],
    ['unknown kind', { data: { kind: 'rows', job_id: 'job-1' } }, /data\.kind "rows" is not known/],
    ['a job_id that climbs out', { data: { kind: 'resources', job_id: '../../etc', resource_type: 'x', resources: [] } }, /data\.job_id/],
    ['resources not an array', { data: { kind: 'resources', job_id: 'job-1', resource_type: 'x', resources: { a: 1 } } }, /data\.resources must be an array/],
    ['an absolute options.path', { options: { path: '/etc' }, data: { kind: 'job_finished', job_id: 'job-1' } }, /options\.path/],
    ['an unknown destination', { options: { destination: 'kafka' }, data: { kind: 'job_finished', job_id: 'job-1' } }, /known destinations: file/],
  ])('export with %s is INVALID_ARGUMENT and writes nothing', async (_name, request, message) => {
    const before = await readdir(base, { recursive: true });
    const error = await status(call('export', request as JsonObject));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^ERROR_INVALID_ARGUMENT: /);
    expect(error.details).toMatch(message);
    expect(await readdir(base, { recursive: true })).toEqual(before);
  });
});
