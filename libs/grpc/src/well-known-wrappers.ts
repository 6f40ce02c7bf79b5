import { wrappers } from 'protobufjs';
import { ListValue, Struct, Value } from '@cloud-inventory/proto';

/**
 * ts-proto registers a protobufjs wrapper for google.protobuf.Struct only. Values (Filter.value)
 * and ListValues (AnalyzeQuery.group_by) need the same treatment so that they reach handlers as
 * plain JSON, as the generated types say.
 *
 * protobufjs only hands objects to a message field's fromObject, so a Value arriving there is
 * either already in wire shape ({string_value: ...}) or a JSON object meant as a struct value.
 */
const VALUE_KINDS = ['null_value', 'number_value', 'string_value', 'bool_value', 'struct_value', 'list_value'];

function isWireValue(object: Record<string, unknown>): boolean {
  const keys = Object.keys(object);
  return keys.length === 1 && VALUE_KINDS.includes(keys[0]);
}

wrappers['.google.protobuf.Value'] = {
  fromObject(this: { fromObject(o: unknown): unknown }, object: Record<string, unknown>) {
    return isWireValue(object) ? this.fromObject(object) : Value.wrap(object);
  },
  toObject(message: unknown) {
    return Value.unwrap(message);
  },
} as never;

wrappers['.google.protobuf.ListValue'] = {
  fromObject(this: { fromObject(o: unknown): unknown }, object: unknown) {
    return Array.isArray(object) ? ListValue.wrap(object) : this.fromObject(object);
  },
  toObject(message: ListValue) {
    return ListValue.unwrap(message);
  },
} as never;

export const STRUCT_WRAPPER_REGISTERED = !!wrappers['.google.protobuf.Struct'] && !!Struct;
