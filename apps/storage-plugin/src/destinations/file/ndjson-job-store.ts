import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FINAL_SUFFIX, JobManifest, JobManifestFile, MANIFEST_FILE, PARTIAL_SUFFIX } from './job-manifest';
import { KeyedSerialQueue } from './keyed-serial-queue';

export type JobSummary = Pick<JobManifest, 'job_id' | 'collector_id' | 'domain_id' | 'status'>;

/**
 * Crash-safe NDJSON files of jobs, one folder per job, one file per resource type.
 *
 * - While a job runs, batches are appended to `<resource_type>.ndjson.partial`, each with one
 *   append of whole lines; appends to one file are serialised in this process (a promise chain
 *   per path), so concurrent tasks never interleave inside a line. No fsync per batch.
 * - finish(): waits for pending appends, then each `.partial` loses a torn last line (if a crash
 *   left one), is fsynced and renamed to `<resource_type>.ndjson`; then `_manifest.json` is
 *   written to a temp file, fsynced and renamed. A folder is complete only once it has a manifest.
 * - After finish has started, or once the folder has a manifest or the file its final name,
 *   appends for that job are refused (FAILED_PRECONDITION).
 *
 * One process owns a base directory: the serialisation is in memory, not a file lock.
 */
export class NdjsonJobStore {
  private readonly logger = new Logger(NdjsonJobStore.name);
  private readonly queue = new KeyedSerialQueue();
  /** Partial files checked since this process started (no manifest, no final file, tail repaired). */
  private readonly prepared = new Set<string>();
  /** The partial files each job folder has been sent, to drain before finishing. */
  private readonly touched = new Map<string, Set<string>>();
  private readonly finishing = new Map<string, Promise<JobManifest>>();

  /** Appends whole lines (`chunk` must end with a newline) to the job's file of this resource type. */
  append(jobDir: string, resourceType: string, chunk: Buffer): Promise<void> {
    const jobId = basename(jobDir);
    if (this.finishing.has(jobDir)) return Promise.reject(finishedError(jobId));
    const partial = join(jobDir, resourceType + PARTIAL_SUFFIX);
    let files = this.touched.get(jobDir);
    if (!files) this.touched.set(jobDir, (files = new Set()));
    files.add(partial);
    return this.queue.run(partial, async () => {
      if (!this.prepared.has(partial)) {
        await this.prepare(jobDir, jobId, resourceType, partial);
        this.prepared.add(partial);
      }
      await appendFile(partial, chunk);
    });
  }

  /** Completes the job folder and returns its manifest; a second call keeps the first manifest. */
  finish(jobDir: string, summary: JobSummary): Promise<JobManifest> {
    const running = this.finishing.get(jobDir);
    if (running) return running;
    const done = this.complete(jobDir, summary).finally(() => {
      this.finishing.delete(jobDir);
      for (const partial of this.touched.get(jobDir) ?? []) this.prepared.delete(partial);
      this.touched.delete(jobDir);
    });
    this.finishing.set(jobDir, done);
    return done;
  }

  private async prepare(jobDir: string, jobId: string, resourceType: string, partial: string): Promise<void> {
    if (await exists(join(jobDir, MANIFEST_FILE))) throw finishedError(jobId);
    if (await exists(join(jobDir, resourceType + FINAL_SUFFIX))) throw finishedError(jobId);
    await mkdir(jobDir, { recursive: true });
    const dropped = await dropTornTail(partial);
    if (dropped > 0) {
      this.logger.warn({ job_id: jobId, resource_type: resourceType, bytes: dropped }, 'dropped a torn last line left by a crash');
    }
  }

  private async complete(jobDir: string, summary: JobSummary): Promise<JobManifest> {
    await this.queue.drain(this.touched.get(jobDir) ?? []);
    await mkdir(jobDir, { recursive: true });
    const names = await readdir(jobDir);
    const partials = names.filter((name) => name.endsWith(PARTIAL_SUFFIX)).sort();
    if (names.includes(MANIFEST_FILE) && partials.length === 0) {
      return JSON.parse(await readFile(join(jobDir, MANIFEST_FILE), 'utf8')) as JobManifest;
    }
    for (const name of partials) {
      const partial = join(jobDir, name);
      const final = join(jobDir, name.slice(0, -PARTIAL_SUFFIX.length) + FINAL_SUFFIX);
      await this.queue.run(partial, async () => {
        const dropped = await dropTornTail(partial);
        if (dropped > 0) this.logger.warn({ job_id: summary.job_id, file: name, bytes: dropped }, 'dropped a torn last line left by a crash');
        await fsyncPath(partial, 'r+');
        await rename(partial, final);
      });
    }
    await fsyncPath(jobDir, 'r');

    const files: JobManifestFile[] = [];
    for (const name of (await readdir(jobDir)).filter((n) => n.endsWith(FINAL_SUFFIX)).sort()) {
      files.push({ resource_type: name.slice(0, -FINAL_SUFFIX.length), file: name, ...(await countLines(join(jobDir, name))) });
    }
    const manifest: JobManifest = { ...summary, data_format: 'ndjson', files, finished_at: new Date().toISOString() };
    const temp = join(jobDir, MANIFEST_FILE + '.tmp');
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(manifest, null, 2) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(jobDir, MANIFEST_FILE));
    await fsyncPath(jobDir, 'r');
    this.logger.log(
      { job_id: summary.job_id, status: summary.status, files: files.length, lines: files.reduce((n, f) => n + f.lines, 0) },
      'job export complete',
    );
    return manifest;
  }
}

function finishedError(jobId: string): AppError {
  return new AppError(ErrorCode.FAILED_PRECONDITION, `Job ${jobId} has already finished; its export takes no more resources.`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function fsyncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Cuts a file back to its last newline (a crash mid-append can leave a torn line); returns the bytes dropped. */
async function dropTornTail(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = start + newline + 1;
        if (keep < size) await handle.truncate(keep);
        return size - keep;
      }
      end = start;
    }
    if (size > 0) await handle.truncate(0);
    return size;
  } finally {
    await handle.close();
  }
}

async function countLines(path: string): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
  }
  return { lines, bytes };
}
