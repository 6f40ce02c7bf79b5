import { QueryError } from './query-error';

/** Helpers to read untrusted request values (proto messages or HTTP JSON) without trusting their types. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL can store: no NUL, no lone UTF-16 surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

export const MAX_TEXT_LENGTH = 4096;

/** A string value bound into a query: storable and of a sane length. */
export function checkText(text: string, where: string): string {
  if (text.length > MAX_TEXT_LENGTH || !isStorableText(text)) {
    throw QueryError.invalid(where, `text values must be valid text of at most ${MAX_TEXT_LENGTH} characters`);
  }
  return text;
}

/** A field of a request object that may come as `key` or its one-letter alias `k` (proto oneof aliases). */
export function aliased(source: JsonRecord, long: string, short: string): unknown {
  const value = source[long];
  return value === undefined || value === null ? source[short] : value;
}

/** An optional list in a request: absent/null → [], a list → itself, anything else → error. */
export function optionalList(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw QueryError.invalidType(where, 'list');
  return value;
}

/** An optional object in a request: absent/null → undefined. */
export function optionalRecord(value: unknown, where: string): JsonRecord | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw QueryError.invalidType(where, 'dict');
  return value;
}

/** An optional string in a request: absent/null/'' → undefined. */
export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw QueryError.invalidType(where, 'str');
  return checkText(value, where);
}

/** An optional boolean in a request: absent/null → false. */
export function optionalBoolean(value: unknown, where: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw QueryError.invalidType(where, 'bool');
  return value;
}

/** An optional integer (a JSON number or a string of digits); absent/null → undefined. */
export function optionalInteger(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) number = Number(value);
  else throw QueryError.invalidType(where, 'int');
  if (!Number.isSafeInteger(number)) throw QueryError.invalidType(where, 'int');
  return number;
}
