import { Inject, Injectable, Logger } from '@nestjs/common';
import { isJsonObject, JsonObject } from '@cloud-inventory/wire';
import { DestinationRegistry } from '../destinations/destination-registry';
import { DestinationRequest } from '../destinations/storage-destination';
import { EXPORT_DATA_KINDS, parseExportData } from '../destinations/export-data';
import { exportedResources } from './storage.metrics';

/** Version of the ExportRequest.data contract (export-data.ts); bumped only for breaking changes. */
export const EXPORT_DATA_VERSION = 1;

export interface StorageCall {
  options?: JsonObject | null;
  schema?: string | null;
  secret_data?: JsonObject | null;
}

/** The rules of init / verify / export; the destination does the writing. */
@Injectable()
export class StorageService {
  private readonly logger = new Logger(StorageService.name);

  constructor(@Inject(DestinationRegistry) private readonly destinations: DestinationRegistry) {}

  init(options: JsonObject | null | undefined): JsonObject {
    this.destinations.resolve(objectOrEmpty(options));
    return {
      supported_destinations: this.destinations.names,
      default_destination: this.destinations.defaultName,
      data_format: 'ndjson',
      data_kinds: [...EXPORT_DATA_KINDS],
      data_version: EXPORT_DATA_VERSION,
      destinations: Object.fromEntries(this.destinations.all().map((d) => [d.name, d.describe()])),
    };
  }

  async verify(call: StorageCall): Promise<void> {
    const request = destinationRequest(call);
    await this.destinations.resolve(request.options).verify(request);
  }

  async export(call: StorageCall & { data?: unknown }): Promise<void> {
    const data = parseExportData(call.data);
    const request = destinationRequest(call);
    const destination = this.destinations.resolve(request.options);
    switch (data.kind) {
      case 'resources':
        await destination.writeResources(data, request);
        exportedResources.inc({ destination: destination.name }, data.resources.length);
        this.logger.debug(
          { destination: destination.name, job_id: data.job_id, job_task_id: data.job_task_id, resource_type: data.resource_type, count: data.resources.length },
          'exported a batch',
        );
        return;
      case 'job_finished':
        await destination.finishJob(data, request);
        this.logger.debug({ destination: destination.name, job_id: data.job_id, status: data.status }, 'job finished');
        return;
    }
  }
}

function destinationRequest(call: StorageCall): DestinationRequest {
  return {
    options: objectOrEmpty(call.options),
    schema: call.schema ?? '',
    secretData: objectOrEmpty(call.secret_data),
  };
}

function objectOrEmpty(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}
