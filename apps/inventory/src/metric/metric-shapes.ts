import { AppError } from '@cloud-inventory/grpc';

type Json = Record<string, unknown>;

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );
}

/**
 * query_options of a request (an AnalyzeQuery as decoded: proto3 defaults everywhere) → the JSON
 * stored and run: the fields the caller gave, nothing else, so the stored options read as written.
 */
export function storedQueryOptions(value: Json | undefined, key = 'query_options'): Json {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) throw AppError.required(key);
  const stored: Json = {};
  for (const [name, item] of Object.entries(value)) {
    if (!isEmpty(item)) stored[name] = item;
  }
  if (Object.keys(stored).length === 0) throw AppError.required(key);
  return stored;
}

/** A resource_group of a create request: DOMAIN or WORKSPACE, required (Cloudforet's pydantic). */
export function requiredResourceGroup(value: unknown): 'DOMAIN' | 'WORKSPACE' {
  if (value === 'DOMAIN' || value === 'WORKSPACE') return value;
  throw AppError.required('resource_group');
}

/** Cloudforet's is_managed query field: a string "true"/"false" (proto has it as a string). */
export function managedFilter(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw AppError.invalid(`Parameter is invalid. (key = is_managed, value = ${value}, allowed = true | false)`);
}
