import { Struct, Value } from '@cloud-inventory/proto';

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** JSON object → google.protobuf.Struct in wire shape ({fields: {k: {string_value}}}). */
export function jsonToStruct(object: JsonObject): Struct {
  return Struct.wrap(object);
}

/** google.protobuf.Struct in wire shape → JSON object. */
export function structToJson(struct: Struct | undefined | null): JsonObject {
  return struct ? (Struct.unwrap(struct) as JsonObject) : {};
}

/** A JSON value in wire shape (google.protobuf.Value), for clients that build messages by hand. */
export function jsonToValue(value: JsonValue): Value {
  return Value.wrap(value);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
