import { createHash } from 'node:crypto';
import { isJsonObject, ResourceInfoMessage } from '@cloud-inventory/wire';
import { InvalidResource } from '../cloud-service/resource-readers';
import { KIND_OF_TYPE, RESOURCE_KIND, RESOURCE_KINDS } from '../cloud-service/resource-kinds';
import type { JobTaskError } from '../job-task/job-task.entity';
import { TaskErrorCode } from '../job-task/task-error-code';
import { FailedItem, IngestItem } from './ingest-item';
import { MatchRuleError, MatchScope, matchKeysOf, parseMatchRules } from '../cloud-service/match-rules';
import { describeResource } from './resource-description';

type Json = Record<string, unknown>;

const STORED_TYPES = RESOURCE_KINDS.map((kind) => kind.resourceType);
const STORED_TYPES_TEXT = `${STORED_TYPES.slice(0, -1).join(', ')} and ${STORED_TYPES[STORED_TYPES.length - 1]}`;

function failure(code: TaskErrorCode, message: string, resourceType: string, resource: Json): FailedItem {
  const error: JobTaskError = { error_code: code, message, additional: { resource_type: resourceType, ...describeResource(resource) } };
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
    const keys = matchKeysOf(resource, parseMatchRules(info.match_rules), scope);
    const batchKey = declaration.naturalKey ? JSON.stringify(declaration.naturalKey.map((column) => row[column])) : keys.identity;
    const contentHash = createHash('md5')
      .update(info.resource_bytes ?? Buffer.alloc(0))
      .digest('hex');
    return { kind, identity: keys.identity, secondary: keys.secondary, batchKey, contentHash, row, source: info.resource_bytes ?? Buffer.alloc(0) };
  } catch (error) {
    if (error instanceof MatchRuleError) {
      return failure(TaskErrorCode.MATCH_RULE, error.message, resourceType, resource);
    }
    if (error instanceof InvalidResource) {
      const code = error.required ? TaskErrorCode.REQUIRED_PARAMETER : TaskErrorCode.INVALID_PARAMETER_TYPE;
      return failure(code, error.message, resourceType, resource);
    }
    throw error;
  }
}
