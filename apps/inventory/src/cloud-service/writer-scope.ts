import { AppError } from '@cloud-inventory/grpc';
import { DOMAIN_WORKSPACE } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { InvalidResource, Json, tags } from './resource-readers';

/**
 * The workspace a row written through the API goes to: the caller's own (a workspace owner or
 * member: the token's), else the domain level ("*"), where collects with a domain-level secret
 * write theirs, so that such a collect matches a row a domain admin created through the API.
 */
export function writerWorkspace(scope: RequestScope): string {
  return scope.workspace_id || DOMAIN_WORKSPACE;
}

/** A required text field of a request, trimmed (Cloudforet strips strings). */
export function requiredText(value: string | undefined, key: string): string {
  const text = (value ?? '').trim();
  if (!text) throw AppError.required(key);
  return text;
}

/** An optional text field: trimmed, undefined when empty (proto3 cannot tell empty from absent). */
export function optionalText(value: string | undefined): string | undefined {
  const text = (value ?? '').trim();
  return text === '' ? undefined : text;
}

/** Tags of a request: a dict, or Cloudforet's list of {key, value}; undefined when not given. */
export function requestTags(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return tags()({ tags: value }) as Json;
  } catch (error) {
    if (error instanceof InvalidResource) throw AppError.invalid(error.message);
    throw error;
  }
}

/** A Struct field of a request (metadata, data): an object, or undefined when not given. */
export function requestObject(value: unknown, key: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw AppError.invalid(`Parameter type is invalid. (key = ${key}, type = dict)`);
  return value as Json;
}
