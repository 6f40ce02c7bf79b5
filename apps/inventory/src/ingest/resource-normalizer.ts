import { hash } from 'node:crypto';
import { InvalidText, isJsonObject, RawJson, ResourceInfoMessage } from '@cloud-inventory/wire';
import { InvalidResource } from '../cloud-service/resource-readers';
import { KIND_OF_TYPE, RESOURCE_KIND, RESOURCE_KINDS } from '../cloud-service/resource-kinds';
import type { JobTaskError } from '../job-task/job-task.entity';
import { TaskErrorCode } from '../job-task/task-error-code';
import { FailedItem, IngestItem } from './ingest-item';
import { MatchRuleError, MatchScope, matchKeysOf, parseMatchRules } from '../cloud-service/match-rules';
import { renderJsonColumn } from './json-columns';
import { describeResource } from './resource-description';

type Json = Record<string, unknown>;

const STORED_TYPES = RESOURCE_KINDS.map((kind) => kind.resourceType);
const STORED_TYPES_TEXT = `${STORED_TYPES.slice(0, -1).join(', ')} and ${STORED_TYPES[STORED_TYPES.length - 1]}`;

function failure(code: TaskErrorCode, message: string, resourceType: string, resource: Json): FailedItem {
  const error: JobTaskError = { error_code: code, message, additional: { resource_type: resourceType, ...describeResource(resource) } };
  return { kind: 'failure', error };
}

export interface NormalizeLimits {
  /** A resource (its Struct as encoded) larger than this is a failure (INGEST_MAX_RESOURCE_BYTES). */
  maxResourceBytes: number;
}

const EMPTY = Buffer.alloc(0);

const DEFAULT_LIMITS: NormalizeLimits = { maxResourceBytes: 4 * 1024 * 1024 };

/**
 * Renders every JSON column of a row now, alone, so that what PostgreSQL would refuse (a NUL, text
 * that is not UTF-8, a Struct nested too deeply) fails this resource and not its whole batch. The
 * rendered text is kept and reused when the batch is written.
 */
function checkColumns(row: Json): string | undefined {
  try {
    for (const column in row) {
      const value = row[column];
      if (value instanceof RawJson) value.render();
      else if (typeof value === 'string') {
        if (value.includes('\u0000')) throw new InvalidText(`${column} holds a NUL character`);
      } else if (value !== null && typeof value === 'object' && renderJsonColumn(value).includes('\\u0000')) {
        throw new InvalidText(`${column} holds a NUL character`);
      }
    }
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return error instanceof InvalidText ? error.message : `${error.message} (or is too deep to store)`;
    throw error;
  }
}

/**
 * Classifies one ResourceInfo of a collect stream: a resource for one of our tables, or a
 * failure with the reason (the plugin's ErrorResource or FAILURE state, an unsupported type,
 * missing match rules, invalid fields). Pure and per-resource; the stream goes on either way.
 * The content hash is taken over the resource's bytes as the plugin encoded them.
 */
export function normalizeResource(
  info: ResourceInfoMessage,
  scope: MatchScope,
  redact: (text: string) => string,
  limits: NormalizeLimits = DEFAULT_LIMITS,
): IngestItem {
  const resourceType = info.resource_type || '';
  if (info.decode_error !== undefined) {
    return failure(TaskErrorCode.INVALID_RESOURCE, `The plugin sent a resource that cannot be read: ${info.decode_error}.`, resourceType, {});
  }
  const size = info.resource_bytes?.length ?? 0;
  if (size > limits.maxResourceBytes) {
    return failure(
      TaskErrorCode.INVALID_RESOURCE,
      `The resource is ${size} bytes, over the limit of ${limits.maxResourceBytes} bytes (INGEST_MAX_RESOURCE_BYTES).`,
      resourceType,
      isJsonObject(info.resource) ? (info.resource as Json) : {},
    );
  }
  const resource = isJsonObject(info.resource) ? (info.resource as Json) : {};
  const state = info.state;
  if (resourceType === 'inventory.ErrorResource' || state === 'FAILURE') {
    const message = redact(info.message || 'The plugin reported a failure without a message.');
    return failure(TaskErrorCode.PLUGIN, message, String(resource['resource_type'] ?? resourceType), resource);
  }
  const kind = KIND_OF_TYPE.get(resourceType);
  if (!kind) {
    return failure(
      TaskErrorCode.UNSUPPORTED_RESOURCE_TYPE,
      `Resource type "${resourceType}" is not supported: the inventory stores ${STORED_TYPES_TEXT}.`,
      resourceType,
      resource,
    );
  }
  try {
    const declaration = RESOURCE_KIND[kind];
    const row = declaration.readRow(resource);
    const invalid = checkColumns(row);
    if (invalid) return failure(TaskErrorCode.INVALID_RESOURCE, `The resource cannot be stored: ${invalid}.`, resourceType, resource);
    if (declaration.byIdAndVersion) {
      // namespaces and metrics: keyed by their own id, rewritten only when their version changes
      const { id, version } = declaration.readIdAndVersion(resource);
      const ownScope = declaration.domainWide ? { domain_id: scope.domain_id, workspace_id: '*' } : scope;
      const keys = matchKeysOf(resource, [[declaration.idColumn]], ownScope);
      const source = info.resource_bytes ?? Buffer.alloc(0);
      const contentHash = hash('md5', `version:${version}`);
      return { kind, id, identity: keys.identity, secondary: [], batchKey: keys.identity, contentHash, row, source };
    }
    const keys = matchKeysOf(resource, parseMatchRules(info.match_rules), scope);
    const batchKey = declaration.naturalKey ? JSON.stringify(declaration.naturalKey.map((column) => row[column])) : keys.identity;
    // one-shot hash: no Hash object per resource
    const contentHash = hash('md5', info.resource_bytes ?? EMPTY);
    return { kind, identity: keys.identity, secondary: keys.secondary, batchKey, contentHash, row, source: info.resource_bytes ?? Buffer.alloc(0) };
  } catch (error) {
    if (error instanceof MatchRuleError) {
      return failure(TaskErrorCode.MATCH_RULE, error.message, resourceType, resource);
    }
    if (error instanceof InvalidResource) {
      const code = error.required ? TaskErrorCode.REQUIRED_PARAMETER : TaskErrorCode.INVALID_PARAMETER_TYPE;
      return failure(code, error.message, resourceType, resource);
    }
    // nested parts are read lazily: a malformed or too deep one shows up here
    if (error instanceof RangeError) {
      return failure(TaskErrorCode.INVALID_RESOURCE, `The resource cannot be stored: ${error.message}.`, resourceType, resource);
    }
    throw error;
  }
}
