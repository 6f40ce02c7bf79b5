import { QueryError } from './query-error';
import { isStorableText } from './request-value';
import { ResourceSchema, SchemaField, SchemaReference } from './resource-schema';
import { SqlParams } from './sql-params';
import { ScalarType, SqlValue } from './sql-value';

/** A key from a request, resolved to something SQL can read. Paths stay data until bound as parameters. */
export type Operand =
  | { readonly kind: 'scalar'; readonly key: string; readonly sql: string; readonly type: ScalarType }
  | { readonly kind: 'text-array'; readonly key: string; readonly sql: string }
  | {
      readonly kind: 'json';
      readonly key: string;
      /** SQL of a jsonb value. */
      readonly root: string;
      /** Safe segments below the root; bound as a text[] or written into a bound jsonpath. */
      readonly path: readonly string[];
      /** The root itself is a `jsonb-array` column: equality can use `@>`. */
      readonly arrayColumn: boolean;
    };

/** Where keys are looked up: a table (schema fields, JSON sub-paths) or the rows of an earlier stage. */
export interface KeyScope {
  resolve(key: unknown, where: string): Operand;
  /** A key that filters through another resource (`ref_cloud_service_type.labels`): the reference and the key below it. */
  reference?(key: unknown): { reference: SchemaReference; key: string } | undefined;
}

export const MAX_KEY_LENGTH = 512;
export const MAX_JSON_DEPTH = 8;
const SEGMENT = /^[A-Za-z0-9_\-:@]{1,64}$/;

/** A key must be a non-empty, well-formed string; returns its dotted segments. */
export function keySegments(key: unknown, where: string): string[] {
  if (typeof key !== 'string') {
    throw key === undefined || key === null || key === '' ? QueryError.required(where) : QueryError.invalidType(where, 'str');
  }
  if (key === '') throw QueryError.required(where);
  if (key.length > MAX_KEY_LENGTH || !isStorableText(key)) {
    throw QueryError.invalid(key, 'the key is too long or not valid text');
  }
  return key.split('.');
}

export function checkJsonPath(key: string, path: readonly string[]): void {
  if (path.length > MAX_JSON_DEPTH) {
    throw QueryError.invalid(key, `a JSON path may be at most ${MAX_JSON_DEPTH} levels deep`);
  }
  for (const segment of path) {
    if (!SEGMENT.test(segment)) {
      throw QueryError.invalid(key, 'each part of a JSON path must be 1-64 letters, digits, "_", "-", ":" or "@"');
    }
  }
}

/** An operand over an already computed value (an unwound element, a column of an earlier stage). */
export function operandOf(value: SqlValue, key: string, rest: readonly string[]): Operand {
  if (value.type === 'jsonb') {
    checkJsonPath(key, rest);
    return { kind: 'json', key, root: value.sql, path: rest, arrayColumn: false };
  }
  if (rest.length > 0) throw QueryError.invalid(key, 'the value has no sub-fields');
  if (value.type === 'text[]') return { kind: 'text-array', key, sql: value.sql };
  return { kind: 'scalar', key, sql: value.sql, type: value.type };
}

function operandOfField(field: SchemaField, key: string, rest: readonly string[]): Operand {
  switch (field.type) {
    case 'jsonb-object':
    case 'jsonb-array':
      checkJsonPath(key, rest);
      return { kind: 'json', key, root: field.sql, path: rest, arrayColumn: field.type === 'jsonb-array' && rest.length === 0 };
    case 'text-array':
      if (rest.length > 0) break;
      return { kind: 'text-array', key, sql: field.sql };
    case 'text':
    case 'int':
    case 'float':
    case 'bool':
    case 'timestamptz':
      if (rest.length > 0) break;
      return { kind: 'scalar', key, sql: field.sql, type: field.type };
  }
  throw QueryError.invalid(key, `${field.key} has no sub-fields`);
}

/** Longest dotted prefix of `segments` that is a key of `map`. */
function longestPrefix<T>(map: ReadonlyMap<string, T>, segments: readonly string[]): [T, string[]] | undefined {
  for (let length = segments.length; length > 0; length--) {
    const found = map.get(segments.slice(0, length).join('.'));
    if (found !== undefined) return [found, segments.slice(length)];
  }
  return undefined;
}

/** Keys of a resource's table, plus the names an unwind stage bound to its elements. */
export class TableScope implements KeyScope {
  constructor(
    readonly schema: ResourceSchema,
    readonly overrides: ReadonlyMap<string, SqlValue> = new Map(),
    /** How keys are named in messages: a referenced resource's keys under their reference (`ref_region.`). */
    readonly keyPrefix = '',
  ) {}

  resolve(key: unknown, where: string): Operand {
    const segments = keySegments(key, where);
    const name = `${this.keyPrefix}${key as string}`;
    const override = longestPrefix(this.overrides, segments);
    if (override) return operandOf(override[0], name, override[1]);
    const field = longestPrefix(this.schema.fields, segments);
    if (field) return operandOfField(field[0], name, field[1]);
    if (this.schema.references.has(segments[0])) {
      throw QueryError.invalid(name, `${segments[0]}.* keys can only be used in filter conditions`);
    }
    throw QueryError.invalid(name, `unknown key for ${this.schema.resource}`);
  }

  reference(key: unknown): { reference: SchemaReference; key: string } | undefined {
    if (typeof key !== 'string' || this.overrides.size > 0) return undefined;
    const dot = key.indexOf('.');
    const reference = dot > 0 ? this.schema.references.get(key.slice(0, dot)) : undefined;
    return reference && { reference, key: key.slice(dot + 1) };
  }

  withOverride(key: string, value: SqlValue): TableScope {
    return new TableScope(this.schema, new Map([...this.overrides, [key, value]]), this.keyPrefix);
  }
}

/** Keys of an earlier stage's rows: its output names, with JSON sub-paths below jsonb values. */
export class RowScope implements KeyScope {
  constructor(readonly columns: ReadonlyMap<string, SqlValue>) {}

  resolve(key: unknown, where: string): Operand {
    const segments = keySegments(key, where);
    const name = key as string;
    const found = longestPrefix(this.columns, segments);
    if (found) return operandOf(found[0], name, found[1]);
    throw QueryError.invalid(name, `unknown key; the previous stage returns ${[...this.columns.keys()].join(', ') || 'nothing'}`);
  }
}

/** The operand's value as SQL (a JSON sub-path is read with `#>`, its path bound). */
export function operandValue(operand: Operand, params: SqlParams): SqlValue {
  switch (operand.kind) {
    case 'scalar':
      return { sql: operand.sql, type: operand.type };
    case 'text-array':
      return { sql: operand.sql, type: 'text[]' };
    case 'json':
      return operand.path.length === 0
        ? { sql: operand.root, type: 'jsonb' }
        : { sql: `(${operand.root} #> ${params.add(operand.path, 'text[]')})`, type: 'jsonb' };
  }
}
