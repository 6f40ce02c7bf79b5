import { createHash } from 'node:crypto';
import { isJsonObject, RawJson, ResourceInfoMessage } from '@cloud-inventory/wire';
import type { JobTaskError } from '../job-task/job-task.entity';
import { FailedItem, IngestItem, ResourceKind } from './ingest-item';
import { MatchRuleError, MatchScope, matchKeysOf, parseMatchRules, valueAt } from './match-rules';

type Json = Record<string, unknown>;

class InvalidResource extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KIND_OF_TYPE: Record<string, ResourceKind> = {
  'inventory.CloudService': 'cloud_service',
  'inventory.CloudServiceType': 'cloud_service_type',
  'inventory.Region': 'region',
};

function text(resource: Json, key: string, required = false): string {
  const value = resource[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw new InvalidResource('ERROR_REQUIRED_PARAMETER', `Required parameter is missing. (key = ${key})`);
    return '';
  }
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') {
    throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', `Parameter type is invalid. (key = ${key}, type = string)`);
  }
  return value;
}

/** A JSON object field: kept as RawJson (its JSON text is written straight from the wire), or parsed from json_<key>. */
function object(resource: Json, key: string, jsonKey?: string): Json | RawJson {
  const encoded = jsonKey ? resource[jsonKey] : undefined;
  if (typeof encoded === 'string' && encoded.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(encoded);
    } catch {
      throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', `Parameter is not valid JSON. (key = ${jsonKey})`);
    }
    if (!isJsonObject(parsed)) {
      throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', `Parameter type is invalid. (key = ${jsonKey}, type = JSON object)`);
    }
    return parsed;
  }
  const value = resource[key];
  if (value === undefined || value === null) return {};
  if (value instanceof RawJson) {
    if (value.kind === 'struct') return value;
  } else if (isJsonObject(value)) {
    return value;
  }
  throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', `Parameter type is invalid. (key = ${key}, type = object)`);
}

/** A small nested object, decoded. */
function smallObject(resource: Json, key: string): Json {
  const value = object(resource, key);
  return value instanceof RawJson ? (value.value() as Json) : value;
}

/** Tags as a dict; Cloudforet plugins may also send [{key, value}, ...]. */
function tags(resource: Json): Json | RawJson {
  let value = resource['tags'];
  if (value === undefined || value === null) return {};
  if (value instanceof RawJson) {
    if (value.kind === 'struct') return value;
    value = value.value();
  }
  if (isJsonObject(value)) return value;
  if (Array.isArray(value)) {
    const result: Json = {};
    for (const tag of value) {
      if (!isJsonObject(tag) || typeof tag['key'] !== 'string') {
        throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', 'Parameter type is invalid. (key = tags, type = dict or list of {key, value})');
      }
      result[tag['key']] = tag['value'] ?? '';
    }
    return result;
  }
  throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', 'Could not interpret the value as a dict or a list. (key = tags)');
}

function stringList(resource: Json, key: string): string[] {
  const raw = resource[key];
  const value = raw instanceof RawJson ? raw.value() : raw;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', `Parameter type is invalid. (key = ${key}, type = list of strings)`);
  }
  return value as string[];
}

function float(resource: Json, key: string): number {
  const value = resource[key];
  if (value === undefined || value === null || value === '') return 0;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', `Parameter type is invalid. (key = ${key}, type = float)`);
  }
  return number;
}

function cloudServiceRow(resource: Json): Json {
  const reference = smallObject(resource, 'reference');
  return {
    name: text(resource, 'name'),
    account: text(resource, 'account'),
    instance_type: text(resource, 'instance_type'),
    instance_size: float(resource, 'instance_size'),
    ip_addresses: stringList(resource, 'ip_addresses'),
    cloud_service_type: text(resource, 'cloud_service_type', true),
    cloud_service_group: text(resource, 'cloud_service_group', true),
    provider: text(resource, 'provider', true),
    region_code: text(resource, 'region_code'),
    data: object(resource, 'data', 'json_data'),
    metadata: object(resource, 'metadata', 'json_metadata'),
    reference: {
      resource_id: text(reference, 'resource_id'),
      external_link: text(reference, 'external_link'),
    },
    tags: tags(resource),
  };
}

function cloudServiceTypeRow(resource: Json): Json {
  const rawLabels = resource['labels'];
  const labels = (rawLabels instanceof RawJson ? rawLabels.value() : rawLabels) ?? [];
  if (!Array.isArray(labels)) {
    throw new InvalidResource('ERROR_INVALID_PARAMETER_TYPE', 'Parameter type is invalid. (key = labels, type = list)');
  }
  return {
    name: text(resource, 'name', true),
    provider: text(resource, 'provider', true),
    group: text(resource, 'group', true),
    service_code: text(resource, 'service_code'),
    is_primary: resource['is_primary'] === true,
    is_major: resource['is_major'] === true,
    resource_type: text(resource, 'resource_type'),
    metadata: object(resource, 'metadata', 'json_metadata'),
    labels,
    tags: tags(resource),
  };
}

function regionRow(resource: Json): Json {
  return {
    name: text(resource, 'name'),
    region_code: text(resource, 'region_code', true),
    provider: text(resource, 'provider', true),
    tags: tags(resource),
  };
}

const ROW_OF_KIND: Record<ResourceKind, (resource: Json) => Json> = {
  cloud_service: cloudServiceRow,
  cloud_service_type: cloudServiceTypeRow,
  region: regionRow,
};

/** What an error entry says about the resource it concerns, as Cloudforet's `additional`. */
function describeResource(resourceType: string, resource: Json): Json {
  const additional: Json = { resource_type: resourceType };
  for (const key of ['provider', 'cloud_service_group', 'cloud_service_type', 'region_code', 'name']) {
    const value = resource[key];
    if (typeof value === 'string' && value) additional[key] = value;
  }
  const resourceId = valueAt(resource, 'reference.resource_id') ?? resource['resource_id'];
  if (typeof resourceId === 'string' && resourceId) additional['resource_id'] = resourceId;
  return additional;
}

function failure(code: string, message: string, additional: Json): FailedItem {
  const error: JobTaskError = { error_code: code, message, additional };
  return { kind: 'failure', error };
}

/**
 * Classifies one ResourceInfo of a collect stream: a resource for one of our tables, or a
 * failure with the reason (the plugin's ErrorResource or FAILURE state, an unsupported type,
 * missing match rules, invalid fields). Pure and per-resource; the stream goes on either way.
 * The content hash is taken over the resource's bytes as the plugin encoded them.
 */
export function normalizeResource(info: ResourceInfoMessage, scope: MatchScope, redact: (text: string) => string): IngestItem {
  const resourceType = info.resource_type || '';
  const resource = isJsonObject(info.resource) ? (info.resource as Json) : {};
  const state = info.state;
  if (resourceType === 'inventory.ErrorResource' || state === 'FAILURE') {
    const message = redact(info.message || 'The plugin reported a failure without a message.');
    return failure('ERROR_PLUGIN', message, describeResource(String(resource['resource_type'] ?? resourceType), resource));
  }
  const kind = KIND_OF_TYPE[resourceType];
  if (!kind) {
    return failure(
      'ERROR_UNSUPPORTED_RESOURCE_TYPE',
      `Resource type "${resourceType}" is not supported: the inventory stores inventory.CloudService, inventory.CloudServiceType and inventory.Region.`,
      describeResource(resourceType, resource),
    );
  }
  try {
    const row = ROW_OF_KIND[kind](resource);
    const keys = matchKeysOf(resource, parseMatchRules(info.match_rules), scope);
    const contentHash = createHash('md5')
      .update(info.resource_bytes ?? Buffer.alloc(0))
      .digest('hex');
    return { kind, identity: keys.identity, secondary: keys.secondary, contentHash, row, source: info.resource_bytes ?? Buffer.alloc(0) };
  } catch (error) {
    if (error instanceof MatchRuleError) {
      return failure('ERROR_MATCH_RULE', error.message, describeResource(resourceType, resource));
    }
    if (error instanceof InvalidResource) {
      return failure(error.code, error.message, describeResource(resourceType, resource));
    }
    throw error;
  }
}
