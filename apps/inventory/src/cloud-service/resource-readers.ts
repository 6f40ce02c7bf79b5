import { isJsonObject, RawJson } from '@cloud-inventory/wire';

export type Json = Record<string, unknown>;

/** How a column's value is read from a resource a plugin sent. Throws InvalidResource. */
export type ColumnReader = (resource: Json) => unknown;

/** A resource field that is missing (`required`) or of the wrong type, said as Cloudforet says it. */
export class InvalidResource extends Error {
  constructor(
    readonly required: boolean,
    message: string,
  ) {
    super(message);
  }
}

const invalidType = (message: string) => new InvalidResource(false, message);

function readText(resource: Json, key: string, required: boolean): string {
  const value = resource[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw new InvalidResource(true, `Required parameter is missing. (key = ${key})`);
    return '';
  }
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw invalidType(`Parameter type is invalid. (key = ${key}, type = string)`);
  return value;
}

/** A JSON object field: kept as RawJson (its JSON text is written straight from the wire), or parsed from json_<key>. */
function readObject(resource: Json, key: string, jsonKey?: string): Json | RawJson {
  const encoded = jsonKey ? resource[jsonKey] : undefined;
  if (typeof encoded === 'string' && encoded.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(encoded);
    } catch {
      throw invalidType(`Parameter is not valid JSON. (key = ${jsonKey})`);
    }
    if (!isJsonObject(parsed)) throw invalidType(`Parameter type is invalid. (key = ${jsonKey}, type = JSON object)`);
    return parsed;
  }
  const value = resource[key];
  if (value === undefined || value === null) return {};
  if (value instanceof RawJson) {
    if (value.kind === 'struct') return value;
  } else if (isJsonObject(value)) {
    return value;
  }
  throw invalidType(`Parameter type is invalid. (key = ${key}, type = object)`);
}

/** A text field ('' when absent; a number is taken as its text). */
export const text =
  (key: string, options: { required?: boolean } = {}): ColumnReader =>
  (resource) =>
    readText(resource, key, options.required ?? false);

/** A number field (0 when absent; numeric text is taken as its number). */
export const float =
  (key: string): ColumnReader =>
  (resource) => {
    const value = resource[key];
    if (value === undefined || value === null || value === '') return 0;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      throw invalidType(`Parameter type is invalid. (key = ${key}, type = float)`);
    }
    return number;
  };

/** true only for a boolean true. */
export const flag =
  (key: string): ColumnReader =>
  (resource) =>
    resource[key] === true;

/** A list of strings ([] when absent). */
export const stringList =
  (key: string): ColumnReader =>
  (resource) => {
    const raw = resource[key];
    const value = raw instanceof RawJson ? raw.value() : raw;
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw invalidType(`Parameter type is invalid. (key = ${key}, type = list of strings)`);
    }
    return value;
  };

/** A list of anything ([] when absent). */
export const list =
  (key: string): ColumnReader =>
  (resource) => {
    const raw = resource[key];
    const value = (raw instanceof RawJson ? raw.value() : raw) ?? [];
    if (!Array.isArray(value)) throw invalidType(`Parameter type is invalid. (key = ${key}, type = list)`);
    return value;
  };

/** A JSON object ({} when absent), or its JSON text in `jsonKey` (as AWS plugins send json_data). */
export const jsonObject =
  (key: string, jsonKey?: string): ColumnReader =>
  (resource) =>
    readObject(resource, key, jsonKey);

/** Tags as a dict; Cloudforet plugins may also send [{key, value}, ...]. */
export const tags =
  (): ColumnReader =>
  (resource) => {
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
          throw invalidType('Parameter type is invalid. (key = tags, type = dict or list of {key, value})');
        }
        result[tag['key']] = tag['value'] ?? '';
      }
      return result;
    }
    throw invalidType('Could not interpret the value as a dict or a list. (key = tags)');
  };

/** Cloudforet's reference: {resource_id, external_link}, both text. */
export const reference =
  (): ColumnReader =>
  (resource) => {
    const value = readObject(resource, 'reference');
    const small = value instanceof RawJson ? (value.value() as Json) : value;
    return { resource_id: readText(small, 'resource_id', false), external_link: readText(small, 'external_link', false) };
  };
