import * as protobuf from 'protobufjs';
import type { Struct } from '@cloud-inventory/proto';
import { inventoryProtoJson } from './proto-http';

type Json = unknown;
type Shape = Record<string, Json>;

const INTEGER = new Set(['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32', 'int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NO_FIT = Symbol('no fit');

/** The proto3 default of a field, as the proto-loader options render it (enums by name, Structs as {}). */
function defaultOf(field: protobuf.Field, depth: number): Json {
  if (field.repeated) return [];
  if (field.map) return {};
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[0] ?? Object.keys(resolved.values)[0];
  if (resolved instanceof protobuf.Type) {
    if (resolved.fullName === '.google.protobuf.Struct') return {};
    if (resolved.fullName === '.google.protobuf.ListValue') return [];
    if (resolved.fullName === '.google.protobuf.Value') return null;
    return shapeOf(resolved, {}, true, depth + 1);
  }
  if (field.type === 'string' || field.type === 'bytes') return '';
  if (field.type === 'bool') return false;
  return 0;
}

/** One value of a field, or NO_FIT when it cannot be that field's type. */
function fitSingle(field: protobuf.Field, value: unknown, complete: boolean, depth: number): Json | typeof NO_FIT {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    return typeof value === 'string' && Object.prototype.hasOwnProperty.call(resolved.values, value) ? value : NO_FIT;
  }
  if (resolved instanceof protobuf.Type) {
    switch (resolved.fullName) {
      case '.google.protobuf.Struct':
        return isPlainObject(value) ? value : NO_FIT;
      case '.google.protobuf.ListValue':
        return Array.isArray(value) ? value : NO_FIT;
      case '.google.protobuf.Value':
        return value;
      default: {
        if (!isPlainObject(value)) return NO_FIT;
        const shaped = shapeOf(resolved, value, complete, depth + 1);
        // a narrowed row keeps no empty message for a sub-path that fitted none of its fields
        return complete || Object.keys(shaped).length > 0 || Object.keys(value).length === 0 ? shaped : NO_FIT;
      }
    }
  }
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? value : NO_FIT;
    case 'bool':
      return typeof value === 'boolean' ? value : NO_FIT;
    case 'double':
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? value : NO_FIT;
    default:
      if (INTEGER.has(field.type)) return typeof value === 'number' && Number.isInteger(value) ? value : NO_FIT;
      return NO_FIT;
  }
}

function shapeOf(type: protobuf.Type, object: Record<string, unknown>, complete: boolean, depth: number): Shape {
  const shaped: Shape = {};
  if (depth > MAX_DEPTH) return shaped;
  for (const field of type.fieldsArray) {
    const present = Object.prototype.hasOwnProperty.call(object, field.name);
    const value = present ? object[field.name] : undefined;
    if (value === undefined || value === null) {
      if (complete || present) shaped[field.name] = defaultOf(field, depth);
      continue;
    }
    let fitted: Json | typeof NO_FIT;
    if (field.repeated) {
      // items of another type (a number in a list of strings sent by a plugin) are left out
      fitted = Array.isArray(value) ? value.map((item) => fitSingle(field, item, complete, depth)).filter((item) => item !== NO_FIT) : NO_FIT;
    } else {
      fitted = fitSingle(field, value, complete, depth);
    }
    if (fitted !== NO_FIT) shaped[field.name] = fitted;
    else if (complete) shaped[field.name] = defaultOf(field, depth);
  }
  return shaped;
}

/**
 * A query result object (the API's keys, read from the table) in the shape of a proto message:
 * only the message's fields, each of its type.
 *
 * - `complete` (a full row): every field of the message, a missing or NULL one with its proto3
 *   default ('' for a time not yet reached, {} for a Struct), so a listed row is exactly what the
 *   mapper gives `get`.
 * - not complete (a row narrowed by `only`/`minimal`): the fields the row has, and only those, as
 *   Cloudforet returns them; a NULL becomes the field's default. A JSON sub-path that does not fit a
 *   typed field (`schedule.hours.0`) is left out rather than sent as the wrong type.
 */
export function toProtoShape(typeName: string, object: Record<string, unknown>, complete: boolean): Shape {
  return shapeOf(messageType(typeName), object, complete, 0);
}

const types = new Map<string, protobuf.Type>();

function messageType(typeName: string): protobuf.Type {
  let type = types.get(typeName);
  if (!type) {
    type = inventoryProtoJson().type(typeName);
    types.set(typeName, type);
  }
  return type;
}

/** Whether a list query narrows the fields of its rows (`only`, `minimal`). */
export function narrowsFields(query: { only?: readonly string[]; minimal?: boolean } | null | undefined): boolean {
  return !!query && ((Array.isArray(query.only) && query.only.length > 0) || query.minimal === true);
}

/**
 * A plain JSON object returned where the contract says google.protobuf.Struct (stat, analyze): the
 * registered Struct wrappers (libs/grpc well-known-wrappers) put it on the wire as a Struct, and
 * HTTP sends it as the JSON it is.
 */
export function asStruct(json: object): Struct {
  return json as unknown as Struct;
}

function withoutOneofNames(type: protobuf.Type, message: Record<string, unknown>, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) return message;
  const oneofNames = new Set(type.oneofsArray.map((oneof) => oneof.name));
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (oneofNames.has(key)) continue;
    const field = type.fields[key];
    const resolved = field?.resolvedType;
    if (resolved instanceof protobuf.Type && !resolved.fullName.startsWith('.google.protobuf.')) {
      if (Array.isArray(value)) {
        plain[key] = value.map((item) => (isPlainObject(item) ? withoutOneofNames(resolved, item, depth + 1) : item));
        continue;
      }
      if (isPlainObject(value)) {
        plain[key] = withoutOneofNames(resolved, value, depth + 1);
        continue;
      }
    }
    plain[key] = value;
  }
  return plain;
}

/**
 * A query message as the gRPC server or the HTTP body decoder hands it over → the JSON Cloudforet
 * clients write. The proto-loader options (`oneofs: true`) add each oneof's name beside its field
 * (`{"group": {...}, "aggregate_alias": "group"}`, `"key_alias": "k"`); those are not part of the
 * query and are left out.
 */
export function toQueryJson(typeName: string, message: object | null | undefined): Record<string, unknown> | undefined {
  if (message === null || message === undefined) return undefined;
  if (!isPlainObject(message)) return message as Record<string, unknown>;
  return withoutOneofNames(messageType(typeName), message, 0);
}
