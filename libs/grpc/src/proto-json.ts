import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import descriptorJson from 'protobufjs/google/protobuf/descriptor.json';
import { PROTO_FILES, protoRoot } from '@cloud-inventory/proto';
import { AppError } from './app-error';
import { PROTO_CONVERSION_OPTIONS } from './loader-options';
import { valueToWire } from './well-known-wrappers';

type Surface = keyof typeof PROTO_FILES;

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const MAX_DEPTH = 64;

// google/api/annotations.proto imports descriptor.proto, which protobufjs only bundles when told
// to (proto-loader does the same at load)
protobuf.common('descriptor', descriptorJson.nested.google.nested.protobuf.nested);

/**
 * Proto-shaped JSON (snake_case fields, enum names, Structs as JSON), checked against the .proto
 * types the way a gRPC server checks a binary message: unknown fields, wrong types and bad enum
 * names are rejected with a message naming the field, instead of being coerced silently.
 */
export class ProtoJson {
  private constructor(private readonly root: protobuf.Root) {}

  static load(surfaces: Surface[]): ProtoJson {
    const dir = protoRoot();
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => {
      if (target in protobuf.common) return target;
      const candidate = join(dir, target);
      return existsSync(candidate) ? candidate : target;
    };
    root.loadSync(surfaces.flatMap((surface) => [...PROTO_FILES[surface]]), { keepCase: true });
    root.resolveAll();
    return new ProtoJson(root);
  }

  type(fullName: string): protobuf.Type {
    return this.root.lookupType(fullName);
  }

  service(fullName: string): protobuf.Service {
    return this.root.lookupService(fullName);
  }

  /** JSON body → the object a gRPC handler would receive; AppError(INVALID_ARGUMENT) when it does not fit. */
  decode<T>(typeName: string, json: unknown): T {
    const type = this.type(typeName);
    const prepared = prepare(type, json ?? {}, '', 0);
    try {
      return type.toObject(type.fromObject(prepared as Record<string, unknown>), PROTO_CONVERSION_OPTIONS) as T;
    } catch (error) {
      throw AppError.invalid(`Invalid request: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A plain object (as handlers and clients write them: primitive Values, JSON Structs) → the
   * form grpc-js/protobufjs accept for sending. Needed because protobufjs only hands objects to a
   * Value field's converter.
   */
  toWire(typeName: string, object: unknown): Record<string, unknown> {
    return prepare(this.type(typeName), object ?? {}, '', 0) as Record<string, unknown>;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(path: string, message: string): never {
  throw AppError.invalid(`Invalid request: ${path || 'body'} ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function prepare(type: protobuf.Type, json: unknown, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) fail(path, 'is nested too deeply');
  if (!isPlainObject(json)) fail(path, `must be a JSON object, not ${describe(json)}`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    // own fields only: "__proto__" and "constructor" are unknown fields like any other name
    const field = Object.prototype.hasOwnProperty.call(type.fields, key) ? type.fields[key] : undefined;
    const fieldPath = path ? `${path}.${key}` : key;
    if (!field) fail(fieldPath, `is not a field of ${type.name}`);
    if (value === null || value === undefined) continue;
    if (field.repeated || field.map) {
      if (field.map) {
        if (!isPlainObject(value)) fail(fieldPath, `must be an object, not ${describe(value)}`);
        // protobufjs would take the key for the map's prototype and drop it silently
        if (Object.prototype.hasOwnProperty.call(value, '__proto__')) fail(`${fieldPath}.__proto__`, 'is not allowed as a map key');
        out[key] = Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, prepareSingle(field, v, `${fieldPath}.${k}`, depth)]),
        );
      } else {
        if (!Array.isArray(value)) fail(fieldPath, `must be a list, not ${describe(value)}`);
        out[key] = value.map((item, index) => prepareSingle(field, item, `${fieldPath}[${index}]`, depth));
      }
    } else {
      out[key] = prepareSingle(field, value, fieldPath, depth);
    }
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => out[f.name] !== undefined).map((f) => f.name);
    if (set.length > 1) fail(path, `sets ${set.join(' and ')}; only one of them may be given`);
  }
  return out;
}

function prepareSingle(field: protobuf.Field, value: unknown, path: string, depth: number): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && value in resolved.values) return value;
    if (typeof value === 'number' && Number.isInteger(value) && value in resolved.valuesById) return value;
    fail(path, `must be one of ${Object.keys(resolved.values).join(', ')}`);
  }
  if (resolved instanceof protobuf.Type) {
    switch (resolved.fullName) {
      case '.google.protobuf.Struct':
        if (!isPlainObject(value)) fail(path, `must be a JSON object, not ${describe(value)}`);
        return value;
      case '.google.protobuf.ListValue':
        if (!Array.isArray(value)) fail(path, `must be a list, not ${describe(value)}`);
        return value;
      case '.google.protobuf.Value':
        return valueToWire(value);
      default:
        return prepare(resolved, value, path, depth + 1);
    }
  }
  const scalar = field.type;
  if (scalar === 'string') {
    if (typeof value !== 'string') fail(path, `must be a string, not ${describe(value)}`);
    return value;
  }
  if (scalar === 'bool') {
    if (typeof value !== 'boolean') fail(path, `must be true or false, not ${describe(value)}`);
    return value;
  }
  if (scalar === 'double' || scalar === 'float') {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `must be a number, not ${describe(value)}`);
    return value;
  }
  if (INT32.has(scalar) || UINT32.has(scalar) || INT64.has(scalar)) {
    const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) fail(path, `must be an integer, not ${describe(value)}`);
    if (INT32.has(scalar) && (number < -2147483648 || number > 2147483647)) fail(path, 'is out of the int32 range');
    if (UINT32.has(scalar) && (number < 0 || number > 4294967295)) fail(path, 'is out of the uint32 range');
    if (INT64.has(scalar) && !Number.isSafeInteger(number)) fail(path, 'is out of the safe integer range');
    return number;
  }
  if (scalar === 'bytes') {
    if (typeof value !== 'string') fail(path, `must be a base64 string, not ${describe(value)}`);
    return value;
  }
  return value;
}
