import { JsonValue } from '@cloud-inventory/wire';
import { randomUUID } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { JobFinished, ResourceBatch } from '../export-data';
import { DestinationRequest, StorageDestination, StorageDestinationFactory } from '../storage-destination';
import { exportFolder } from './export-folder';
import { asUnwritable } from './fs-failure';
import { JobManifest } from './job-manifest';
import { NdjsonJobStore } from './ndjson-job-store';
import { resourceLines } from './resource-lines';

/**
 * `file`: NDJSON under a base directory, `<base>[/<options.path>]/<job_id>/<resource_type>.ndjson`,
 * with `_manifest.json` once the job has finished. secret_data is not used.
 * One process owns a base directory (appends are serialised in memory).
 */
export class FileDestination implements StorageDestination {
  readonly name = 'file';
  private readonly store = new NdjsonJobStore();

  /** @param baseDir absolute path of the export directory (STORAGE_FILE_DIR) */
  constructor(readonly baseDir: string) {}

  describe(): JsonValue {
    return {
      data_format: 'ndjson',
      layout: '<base>[/<options.path>]/<job_id>/<resource_type>.ndjson + _manifest.json',
      options: { path: 'optional relative sub-folder of the export directory' },
    };
  }

  async verify(request: DestinationRequest): Promise<void> {
    const folder = exportFolder(this.baseDir, request.options);
    const probe = join(folder, `.verify-${process.pid}-${randomUUID()}.tmp`);
    try {
      await mkdir(folder, { recursive: true });
      const handle = await open(probe, 'wx');
      try {
        await handle.writeFile('probe\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await unlink(probe);
    } catch (error) {
      asUnwritable(error, `Export directory ${folder} cannot be created or written`);
    }
  }

  async writeResources(batch: ResourceBatch, request: DestinationRequest): Promise<void> {
    const jobDir = join(exportFolder(this.baseDir, request.options), batch.job_id);
    if (batch.resources.length === 0) return;
    const chunk = resourceLines(batch);
    try {
      await this.store.append(jobDir, batch.resource_type, chunk);
    } catch (error) {
      asUnwritable(error, `Cannot write the export of job ${batch.job_id} under ${jobDir}`);
    }
  }

  async finishJob(finished: JobFinished, request: DestinationRequest): Promise<void> {
    await this.finish(finished, request);
  }

  /** finishJob, returning the manifest (for tests and logs). */
  async finish(finished: JobFinished, request: DestinationRequest): Promise<JobManifest> {
    const jobDir = join(exportFolder(this.baseDir, request.options), finished.job_id);
    try {
      return await this.store.finish(jobDir, {
        job_id: finished.job_id,
        collector_id: finished.collector_id,
        domain_id: finished.domain_id,
        status: finished.status,
      });
    } catch (error) {
      asUnwritable(error, `Cannot complete the export of job ${finished.job_id} under ${jobDir}`);
    }
  }
}

export const fileDestinationFactory: StorageDestinationFactory = {
  name: 'file',
  create: (config) => new FileDestination(resolve(config.fileDir)),
};
