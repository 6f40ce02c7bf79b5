import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { JsonObject } from '@cloud-inventory/wire';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobFinished, ResourceBatch } from '../export-data';
import { StorageService } from '../../storage/storage.service';
import { DestinationRegistry } from '../destination-registry';
import { DestinationRequest } from '../storage-destination';
import { FileDestination } from './file.destination';
import { JobManifest } from './job-manifest';

const request = (options: JsonObject = {}): DestinationRequest => ({ options, schema: '', secretData: { token: 'secret' } });

function batch(jobId: string, resourceType: string, task: string, from: number, count: number, padding = 0): ResourceBatch {
  const resources = Array.from({ length: count }, (_, i) => ({
    cloud_service_id: `${task}-${from + i}`,
    name: `vm-${from + i}`,
    data: { pad: 'x'.repeat(padding), line: 'a "quoted" \n value' },
  }));
  return { kind: 'resources', job_id: jobId, job_task_id: task, collector_id: 'collector-1', domain_id: 'domain-1', resource_type: resourceType, resources };
}

const finished = (jobId: string, status = 'SUCCESS'): JobFinished => ({ kind: 'job_finished', job_id: jobId, collector_id: 'collector-1', domain_id: 'domain-1', status });

async function lines(path: string): Promise<JsonObject[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as JsonObject);
}

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(() => Logger.overrideLogger(false));

async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('FileDestination', () => {
  let base: string;
  let file: FileDestination;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'storage-file-'));
    file = new FileDestination(base);
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('keeps only .partial files while the job runs, then .ndjson files and a manifest with line counts', async () => {
    await file.writeResources(batch('job-1', 'inventory.CloudService', 'task-a', 0, 3), request());
    await file.writeResources(batch('job-1', 'inventory.CloudService', 'task-b', 0, 2), request());
    await file.writeResources(batch('job-1', 'inventory.Region', 'task-a', 0, 4), request());

    const jobDir = join(base, 'job-1');
    expect(await readdir(jobDir).then((n) => n.sort())).toEqual(['inventory.CloudService.ndjson.partial', 'inventory.Region.ndjson.partial']);

    const manifest = await file.finish(finished('job-1'), request());
    expect((await readdir(jobDir)).sort()).toEqual(['_manifest.json', 'inventory.CloudService.ndjson', 'inventory.Region.ndjson']);

    const services = await lines(join(jobDir, 'inventory.CloudService.ndjson'));
    expect(services).toHaveLength(5);
    expect(services[0]).toEqual({
      job_id: 'job-1', job_task_id: 'task-a', collector_id: 'collector-1', domain_id: 'domain-1', resource_type: 'inventory.CloudService',
      resource: { cloud_service_id: 'task-a-0', name: 'vm-0', data: { pad: '', line: 'a "quoted" \n value' } },
    });
    expect(services.map((l) => (l['resource'] as JsonObject)['cloud_service_id'])).toEqual(['task-a-0', 'task-a-1', 'task-a-2', 'task-b-0', 'task-b-1']);
    expect(await lines(join(jobDir, 'inventory.Region.ndjson'))).toHaveLength(4);

    const onDisk = JSON.parse(await readFile(join(jobDir, '_manifest.json'), 'utf8')) as JobManifest;
    expect(onDisk).toEqual(manifest);
    expect(onDisk).toMatchObject({
      job_id: 'job-1', collector_id: 'collector-1', domain_id: 'domain-1', status: 'SUCCESS', data_format: 'ndjson',
      files: [
        { resource_type: 'inventory.CloudService', file: 'inventory.CloudService.ndjson', lines: 5, bytes: (await stat(join(jobDir, 'inventory.CloudService.ndjson'))).size },
        { resource_type: 'inventory.Region', file: 'inventory.Region.ndjson', lines: 4, bytes: (await stat(join(jobDir, 'inventory.Region.ndjson'))).size },
      ],
    });
    expect(Date.parse(onDisk.finished_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('writes below options.path when given', async () => {
    await file.writeResources(batch('job-2', 'inventory.CloudService', 't', 0, 1), request({ path: 'team-a/daily' }));
    await file.finish(finished('job-2'), request({ path: 'team-a/daily/' }));
    expect(await tree(base)).toEqual(['team-a', 'team-a/daily', 'team-a/daily/job-2', 'team-a/daily/job-2/_manifest.json', 'team-a/daily/job-2/inventory.CloudService.ndjson']);
  });

  it('keeps every line whole when several tasks append to one file at once', async () => {
    // ~700 KB per batch: more than one write() of Node's appendFile (512 KiB), so unserialised appends would interleave
    const tasks = Array.from({ length: 6 }, (_, t) => `task-${t}`);
    await Promise.all(
      tasks.flatMap((task) => [0, 1, 2].map((round) => file.writeResources(batch('job-3', 'inventory.CloudService', task, round * 350, 350, 1900), request()))),
    );
    const partial = await lines(join(base, 'job-3', 'inventory.CloudService.ndjson.partial'));
    expect(partial).toHaveLength(6 * 3 * 350);
    const ids = new Set(partial.map((l) => (l['resource'] as JsonObject)['cloud_service_id']));
    expect(ids.size).toBe(6 * 3 * 350);

    const manifest = await file.finish(finished('job-3'), request());
    expect(manifest.files).toEqual([expect.objectContaining({ resource_type: 'inventory.CloudService', lines: 6300 })]);
  });

  it('finishes a job that exported nothing with an empty manifest, and a second finish keeps the manifest', async () => {
    const first = await file.finish(finished('job-4', 'FAILURE'), request());
    expect(first).toMatchObject({ job_id: 'job-4', status: 'FAILURE', files: [] });
    const written = await readFile(join(base, 'job-4', '_manifest.json'), 'utf8');

    const again = await file.finish(finished('job-4', 'SUCCESS'), request());
    expect(again).toEqual(first);
    expect(await readFile(join(base, 'job-4', '_manifest.json'), 'utf8')).toBe(written);
    expect(await readdir(join(base, 'job-4'))).toEqual(['_manifest.json']);
  });

  it('two concurrent finishes of one job write one manifest and both succeed', async () => {
    await file.writeResources(batch('job-5', 'inventory.Region', 't', 0, 2), request());
    const [a, b] = await Promise.all([file.finish(finished('job-5'), request()), file.finish(finished('job-5'), request())]);
    expect(a).toEqual(b);
    expect(a.files).toEqual([expect.objectContaining({ lines: 2 })]);
  });

  it('refuses resources for a job that has finished, also after a restart', async () => {
    await file.writeResources(batch('job-6', 'inventory.Region', 't', 0, 2), request());
    await file.finish(finished('job-6'), request());
    const late = await appError(file.writeResources(batch('job-6', 'inventory.Region', 't', 2, 1), request()));
    expect(late.code).toBe(ErrorCode.FAILED_PRECONDITION);
    expect(late.message).toMatch(/job-6 has already finished/);

    const restarted = new FileDestination(base);
    expect((await appError(restarted.writeResources(batch('job-6', 'inventory.Other', 't', 0, 1), request()))).code).toBe(ErrorCode.FAILED_PRECONDITION);
    expect((await readdir(join(base, 'job-6'))).sort()).toEqual(['_manifest.json', 'inventory.Region.ndjson']);
    expect(await lines(join(base, 'job-6', 'inventory.Region.ndjson'))).toHaveLength(2);
  });

  it('drops a torn last line left by a crash, both when appending after a restart and when finishing', async () => {
    const jobDir = join(base, 'job-7');
    await file.writeResources(batch('job-7', 'inventory.CloudService', 't', 0, 2), request());
    await file.writeResources(batch('job-7', 'inventory.Region', 't', 0, 3), request());
    // a crash mid-append leaves part of a line
    await appendFile(join(jobDir, 'inventory.CloudService.ndjson.partial'), '{"job_id":"job-7","resou');
    await appendFile(join(jobDir, 'inventory.Region.ndjson.partial'), '{"job_id":"job-7"');

    const restarted = new FileDestination(base);
    await restarted.writeResources(batch('job-7', 'inventory.CloudService', 't', 2, 1), request());
    const manifest = await restarted.finish(finished('job-7'), request());

    const services = await lines(join(jobDir, 'inventory.CloudService.ndjson'));
    expect(services.map((l) => (l['resource'] as JsonObject)['cloud_service_id'])).toEqual(['t-0', 't-1', 't-2']);
    expect(await lines(join(jobDir, 'inventory.Region.ndjson'))).toHaveLength(3);
    expect(manifest.files.map((f) => [f.resource_type, f.lines])).toEqual([['inventory.CloudService', 3], ['inventory.Region', 3]]);
  });

  it('completes a finish that a crash interrupted after some renames', async () => {
    const jobDir = join(base, 'job-8');
    await mkdir(jobDir);
    await writeFile(join(jobDir, 'inventory.CloudService.ndjson'), '{"a":1}\n{"a":2}\n');
    await writeFile(join(jobDir, 'inventory.Region.ndjson.partial'), '{"a":1}\n');
    await writeFile(join(jobDir, '_manifest.json.tmp'), '{"half');
    const manifest = await new FileDestination(base).finish(finished('job-8'), request());
    expect(manifest.files.map((f) => [f.file, f.lines])).toEqual([['inventory.CloudService.ndjson', 2], ['inventory.Region.ndjson', 1]]);
    expect((await readdir(jobDir)).sort()).toEqual(['_manifest.json', 'inventory.CloudService.ndjson', 'inventory.Region.ndjson']);
  });

  it('verify creates the folder and leaves nothing behind; an unwritable folder is FAILED_PRECONDITION naming it', async () => {
    await file.verify(request({ path: 'nightly' }));
    expect(await tree(base)).toEqual(['nightly']);

    await writeFile(join(base, 'blocker'), 'a regular file');
    const error = await appError(file.verify(request({ path: 'blocker/sub' })));
    expect(error.code).toBe(ErrorCode.FAILED_PRECONDITION);
    expect(error.message).toContain(join(base, 'blocker', 'sub'));
    expect(error.message).not.toContain('secret');

    const unwritableBase = new FileDestination(join(base, 'blocker', 'exports'));
    expect((await appError(unwritableBase.verify(request()))).code).toBe(ErrorCode.FAILED_PRECONDITION);
    expect((await appError(unwritableBase.writeResources(batch('job-9', 'inventory.Region', 't', 0, 1), request()))).code).toBe(ErrorCode.FAILED_PRECONDITION);
  });
});

describe('StorageService with the file destination: rejected requests write nothing', () => {
  let base: string;
  let service: StorageService;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'storage-reject-'));
    service = new StorageService(new DestinationRegistry([new FileDestination(base)], 'file'));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  const good = { kind: 'resources', job_id: 'job-1', job_task_id: 't', collector_id: 'c', domain_id: 'd', resource_type: 'inventory.CloudService', resources: [{ name: 'a' }] };

  it.each([
    ['options.path with ..', { path: '../outside' }, good, /options\.path/],
    ['options.path a/../b', { path: 'a/../b' }, good, /options\.path/],
    ['absolute options.path', { path: '/tmp/x' }, good, /options\.path/],
    ['options.path with a backslash', { path: 'a\\..\\b' }, good, /options\.path/],
    ['hidden options.path', { path: '.hidden' }, good, /options\.path/],
    ['options.path not a string', { path: 3 }, good, /options\.path must be a string/],
    ['unknown destination', { destination: 's3' }, good, /options\.destination "s3" is not known; known destinations: file/],
    ['job_id with ..', {}, { ...good, job_id: '..' }, /data\.job_id/],
    ['job_id with a slash', {}, { ...good, job_id: 'job/1' }, /data\.job_id/],
    ['job_id starting with a dot', {}, { ...good, job_id: '.job' }, /data\.job_id/],
    ['resource_type with a slash', {}, { ...good, resource_type: '../x' }, /data\.resource_type/],
    ['one resource not an object', {}, { ...good, resources: [{ name: 'a' }, null] }, /data\.resources\[1\]/],
    ['job_finished with a bad job_id', {}, { kind: 'job_finished', job_id: '../../etc' }, /data\.job_id/],
  ])('%s → INVALID_ARGUMENT', async (_name, options, data, message) => {
    const error = await appError(service.export({ options: options as JsonObject, secret_data: {}, data }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toMatch(message);
    expect(await readdir(base)).toEqual([]);
  });

  it('init reports the destinations and the data format', () => {
    expect(service.init({})).toMatchObject({ supported_destinations: ['file'], default_destination: 'file', data_format: 'ndjson', data_kinds: ['resources', 'job_finished'] });
  });
});
