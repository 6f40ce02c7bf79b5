import { AppError } from '@cloud-inventory/grpc';
import { isJsonObject, JsonObject } from '@cloud-inventory/wire';

/**
 * The `data` of ExportRequest, as this project defines it (no Cloudforet server ever called
 * export, so there is no upstream shape to follow). Version 1; see apps/storage-plugin/README.md.
 *
 *   {kind: 'resources', job_id, job_task_id?, collector_id?, domain_id?, resource_type, resources: [{...}]}
 *   {kind: 'job_finished', job_id, collector_id?, domain_id?, status?}
 *
 * job_id and resource_type become parts of file paths, so they must match SAFE_NAME.
 */
export const EXPORT_DATA_KINDS = ['resources', 'job_finished'] as const;
export type ExportDataKind = (typeof EXPORT_DATA_KINDS)[number];

/** A name that is safe as one path segment: no separators, no leading dot, no `..`, at most 128 characters. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** One batch of collected resources of one resource type, from one task of a job. */
export interface ResourceBatch {
  kind: 'resources';
  job_id: string;
  job_task_id: string | null;
  collector_id: string | null;
  domain_id: string | null;
  resource_type: string;
  resources: JsonObject[];
}

/** The inventory has sent every batch of the job. */
export interface JobFinished {
  kind: 'job_finished';
  job_id: string;
  collector_id: string | null;
  domain_id: string | null;
  status: string | null;
}

export type ExportData = ResourceBatch | JobFinished;

/**
 * Checks ExportRequest.data and returns it typed. Every violation is INVALID_ARGUMENT with a
 * message that names the field; nothing is written before this has passed.
 */
export function parseExportData(data: unknown): ExportData {
  if (!isJsonObject(data)) throw AppError.invalid('data is required and must be an object.');
  const kind = data['kind'];
  if (kind === undefined || kind === null || kind === '') {
    throw AppError.invalid(`data.kind is required (one of ${EXPORT_DATA_KINDS.join(', ')}).`);
  }
  switch (kind) {
    case 'resources':
      return {
        kind,
        job_id: safeName(data, 'job_id'),
        job_task_id: optionalString(data, 'job_task_id'),
        collector_id: optionalString(data, 'collector_id'),
        domain_id: optionalString(data, 'domain_id'),
        resource_type: safeName(data, 'resource_type'),
        resources: resourceList(data),
      };
    case 'job_finished':
      return {
        kind,
        job_id: safeName(data, 'job_id'),
        collector_id: optionalString(data, 'collector_id'),
        domain_id: optionalString(data, 'domain_id'),
        status: optionalString(data, 'status'),
      };
    default:
      throw AppError.invalid(
        `data.kind ${JSON.stringify(kind)} is not known; expected one of ${EXPORT_DATA_KINDS.join(', ')}.`,
      );
  }
}

function safeName(data: JsonObject, field: string): string {
  const value = data[field];
  if (value === undefined || value === null || value === '') throw AppError.invalid(`data.${field} is required.`);
  if (typeof value !== 'string' || !SAFE_NAME.test(value)) {
    throw AppError.invalid(
      `data.${field} must be 1-128 characters of letters, digits, '_', '.', '-', starting with a letter or digit.`,
    );
  }
  return value;
}

function optionalString(data: JsonObject, field: string): string | null {
  const value = data[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw AppError.invalid(`data.${field} must be a string.`);
  return value;
}

function resourceList(data: JsonObject): JsonObject[] {
  const value = data['resources'];
  if (value === undefined || value === null) throw AppError.invalid('data.resources is required.');
  if (!Array.isArray(value)) throw AppError.invalid('data.resources must be an array of objects.');
  const bad = value.findIndex((item) => !isJsonObject(item));
  if (bad >= 0) throw AppError.invalid(`data.resources[${bad}] must be an object.`);
  return value as JsonObject[];
}
