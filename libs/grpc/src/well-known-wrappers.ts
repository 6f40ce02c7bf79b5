import { wrappers } from 'protobufjs';
// ts-proto's generated struct.ts registers its own (snake_case) Struct wrapper when imported:
// import it first so that the wrappers below replace it, never the reverse.
import '@cloud-inventory/proto';

/**
 * google.protobuf.Struct, Value and ListValue as plain JSON through grpc-js and protobufjs,
 * for every server, client and HTTP decoder in the process.
 *
 * protobufjs always takes google/protobuf/struct.proto from its bundled definitions, whose
 * Value fields are camelCase (stringValue, structValue, ...) whatever `keepCase` says, so these
 * wrappers write and read that shape (the snake_case shape is accepted too). ts-proto's own
 * wrapper writes snake_case and would turn every Struct into {} on the wire.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Struct/list levels a Struct may have in an API request or answer (as the ingest codec allows). */
export const MAX_STRUCT_DEPTH = 64;

/** A Struct deeper than MAX_STRUCT_DEPTH: refused by its level, before the stack runs out. */
export class StructTooDeep extends RangeError {
  constructor() {
    super(`a Struct is nested deeper than ${MAX_STRUCT_DEPTH} levels`);
  }
}
type Wire = Record<string, unknown>;

const KINDS: Array<[camel: string, snake: string]> = [
  ['nullValue', 'null_value'],
  ['numberValue', 'number_value'],
  ['stringValue', 'string_value'],
  ['boolValue', 'bool_value'],
  ['structValue', 'struct_value'],
  ['listValue', 'list_value'],
];
const KIND_NAMES = new Set(KINDS.flat());

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWireValue(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && KIND_NAMES.has(keys[0]);
}

/**
 * Sets `key` as an own property: "__proto__" is a plain key of a Struct like any other (as JSON.parse
 * and the ingest codec keep it), never the object's prototype.
 */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function structToWire(object: Record<string, unknown>, depth = 0): Wire {
  if (depth > MAX_STRUCT_DEPTH) throw new StructTooDeep();
  const fields: Wire = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) setOwn(fields, key, valueToWire(value, depth));
  }
  return { fields };
}

function listToWire(array: unknown[], depth = 0): Wire {
  if (depth > MAX_STRUCT_DEPTH) throw new StructTooDeep();
  return { values: array.map((item) => valueToWire(item === undefined ? null : item, depth)) };
}

/** A JSON value in the wire shape of google.protobuf.Value (`depth`: the Struct/list levels above it). */
export function valueToWire(value: unknown, depth = 0): Wire {
  if (value === null || value === undefined) return { nullValue: 0 };
  switch (typeof value) {
    case 'number':
      return { numberValue: value };
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'object':
      return Array.isArray(value)
        ? { listValue: listToWire(value, depth + 1) }
        : { structValue: structToWire(value as Record<string, unknown>, depth + 1) };
    default:
      throw new TypeError(`A ${typeof value} cannot be a google.protobuf.Value`);
  }
}

function own(message: Record<string, unknown>, camel: string, snake: string): unknown {
  if (Object.prototype.hasOwnProperty.call(message, camel) && message[camel] != null) return message[camel];
  if (Object.prototype.hasOwnProperty.call(message, snake) && message[snake] != null) return message[snake];
  return undefined;
}

function structFromWire(message: unknown, depth = 0): { [key: string]: Json } {
  if (depth > MAX_STRUCT_DEPTH) throw new StructTooDeep();
  const object: { [key: string]: Json } = {};
  const fields = isObject(message) ? message['fields'] : undefined;
  if (isObject(fields)) {
    for (const [key, value] of Object.entries(fields)) setOwn(object, key, valueFromWire(value, depth));
    // protobufjs fills a map with `fields[key] = value`: a "__proto__" key became the prototype of
    // `fields` (it never reaches Object.prototype); take it back as the plain key it was
    const carried = Object.getPrototypeOf(fields);
    if (carried !== Object.prototype && carried !== null && !Object.prototype.hasOwnProperty.call(fields, '__proto__')) {
      setOwn(object, '__proto__', valueFromWire(carried, depth));
    }
  }
  return object;
}

function listFromWire(message: unknown, depth = 0): Json[] {
  if (depth > MAX_STRUCT_DEPTH) throw new StructTooDeep();
  const values = isObject(message) ? message['values'] : undefined;
  return Array.isArray(values) ? values.map((value) => valueFromWire(value, depth)) : [];
}

function valueFromWire(message: unknown, depth = 0): Json {
  if (!isObject(message)) return null;
  for (const [camel, snake] of KINDS) {
    const value = own(message, camel, snake);
    if (value === undefined) continue;
    switch (camel) {
      case 'nullValue':
        return null;
      case 'structValue':
        return structFromWire(value, depth + 1);
      case 'listValue':
        return listFromWire(value, depth + 1);
      default:
        return value as Json;
    }
  }
  return null;
}

wrappers['.google.protobuf.Struct'] = {
  fromObject: (object: Record<string, unknown>) => structToWire(object),
  toObject: (message: unknown) => structFromWire(message),
} as never;

wrappers['.google.protobuf.Value'] = {
  fromObject: (object: Record<string, unknown>) => valueToWire(isWireValue(object) ? valueFromWire(object) : object),
  toObject: (message: unknown) => valueFromWire(message),
} as never;

wrappers['.google.protobuf.ListValue'] = {
  fromObject: (object: unknown) => (Array.isArray(object) ? listToWire(object) : listToWire(listFromWire(object))),
  toObject: (message: unknown) => listFromWire(message),
} as never;

