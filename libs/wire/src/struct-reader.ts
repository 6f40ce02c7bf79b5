import { isUtf8 } from 'node:buffer';
import type { JsonObject, JsonValue } from './json';
import { FastWriter } from './fast-writer';

/**
 * Protobuf read by hand, straight between wire bytes and JSON values: no protobufjs message
 * objects in between. This is the hot path of a collect (every resource is a Struct), where the
 * generic decoder and its wrappers cost several times more.
 *
 *   Struct    { map<string, Value> fields = 1; }
 *   Value     { oneof kind { NullValue null_value = 1; double number_value = 2; string string_value = 3;
 *                            bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6; } }
 *   ListValue { repeated Value values = 1; }
 */

/** Struct/list levels a value may have (each level is one Struct or ListValue). */
export const MAX_STRUCT_DEPTH = 64;
// depth counts both the Value and the Struct/ListValue it holds: two steps per level
const MAX_DEPTH = MAX_STRUCT_DEPTH * 2;
const DEPTH_MESSAGE = `a Struct is nested deeper than ${MAX_STRUCT_DEPTH} levels`;

/**
 * Text PostgreSQL cannot store (a NUL character) or that is not UTF-8: refused while reading, so
 * that the resource that holds it fails alone instead of its whole batch.
 */
export class InvalidText extends RangeError {}

// The Struct reader below walks one buffer with a module-level cursor instead of allocating a
// reader per nested message: it runs once per resource field, millions of times per collect.
let cursor = 0;
let source: Buffer = Buffer.alloc(0);

function varintAt(limit: number): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (cursor >= limit) throw new RangeError('protobuf: truncated varint');
    const byte = source[cursor++];
    if (shift < 28) result |= (byte & 0x7f) << shift;
    else if (shift < 53) result += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return result;
    shift += 7;
    if (shift > 63) throw new RangeError('protobuf: varint too long');
  }
}

function delimitedEnd(limit: number): number {
  const length = varintAt(limit);
  const end = cursor + length;
  if (end > limit) throw new RangeError('protobuf: truncated field');
  return end;
}

function skipAt(wireType: number, limit: number): void {
  switch (wireType) {
    case 0:
      varintAt(limit);
      return;
    case 1:
      cursor += 8;
      break;
    case 2:
      cursor = delimitedEnd(limit);
      return;
    case 5:
      cursor += 4;
      break;
    default:
      throw new RangeError(`protobuf: unsupported wire type ${wireType}`);
  }
  if (cursor > limit) throw new RangeError('protobuf: truncated field');
}

function utf8(start: number, end: number): string {
  const text = (source as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(start, end);
  // both searches are native and almost free; the byte check runs only on a replacement character
  if (text.includes('\uFFFD') && !isUtf8(source.subarray(start, end))) throw new InvalidText('a string is not valid UTF-8');
  if (text.includes('\u0000')) throw new InvalidText('a string holds a NUL character');
  return text;
}

/**
 * Walks the fields of a message occupying [start, end) of buf, in order: `visit` gets `target`,
 * each field's number and wire type, and for a varint its value, for a length-delimited field
 * the [start, end) of its bytes, for a fixed64/fixed32 field the [start, end) of its bytes; and
 * buf. (`target` rather than a closure: this runs once per streamed message.)
 */
export function forEachField<T>(
  buf: Buffer,
  start: number,
  end: number,
  target: T,
  visit: (target: T, field: number, wireType: number, valueOrStart: number, valueEnd: number, buf: Buffer) => void,
): void {
  const savedSource = source;
  const savedCursor = cursor;
  source = buf;
  cursor = start;
  try {
    while (cursor < end) {
      const tag = varintAt(end);
      const wireType = tag & 7;
      if (wireType === 0) {
        const value = varintAt(end);
        const next = cursor;
        visit(target, tag >>> 3, wireType, value, next, buf);
        source = buf;
        cursor = next;
      } else if (wireType === 2) {
        const fieldEnd = delimitedEnd(end);
        const fieldStart = cursor;
        visit(target, tag >>> 3, wireType, fieldStart, fieldEnd, buf);
        source = buf;
        cursor = fieldEnd;
      } else {
        const at = cursor;
        skipAt(wireType, end);
        const next = cursor;
        visit(target, tag >>> 3, wireType, at, next, buf);
        source = buf;
        cursor = next;
      }
    }
  } finally {
    source = savedSource;
    cursor = savedCursor;
  }
}

/** Reads a Struct occupying [start, end) of buf. */
export function readStruct(buf: Buffer, start: number, end: number): JsonObject {
  return withSource(buf, start, () => structUntil(end, 0));
}

function structUntil(end: number, depth: number): JsonObject {
  if (depth > MAX_DEPTH) throw new RangeError(DEPTH_MESSAGE);
  return entriesUntil<JsonValue>(end, (valueEnd) => valueUntil(valueEnd, depth + 1));
}

/** The map entries (key = 1, value = 2) of a Struct up to `end`, each value read by `readValue`. */
function entriesUntil<V>(end: number, readValue: (valueEnd: number) => V): Record<string, V | null> {
  const object: Record<string, V | null> = {};
  while (cursor < end) {
    const tag = varintAt(end);
    if (tag !== 0x0a) {
      skipAt(tag & 7, end);
      continue;
    }
    const entryEnd = delimitedEnd(end);
    let key = '';
    let value: V | null = null;
    while (cursor < entryEnd) {
      const entryTag = varintAt(entryEnd);
      if (entryTag === 0x0a) {
        const keyEnd = delimitedEnd(entryEnd);
        key = utf8(cursor, keyEnd);
        cursor = keyEnd;
      } else if (entryTag === 0x12) {
        value = readValue(delimitedEnd(entryEnd));
      } else skipAt(entryTag & 7, entryEnd);
    }
    // "__proto__" is a plain key like any other, never the object's prototype
    if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  }
  return object;
}

function listUntil(end: number, depth: number): JsonValue[] {
  const list: JsonValue[] = [];
  while (cursor < end) {
    const tag = varintAt(end);
    if (tag === 0x0a) {
      const valueEnd = delimitedEnd(end);
      list.push(valueUntil(valueEnd, depth + 1));
    } else skipAt(tag & 7, end);
  }
  return list;
}

function valueUntil(end: number, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw new RangeError(DEPTH_MESSAGE);
  let value: JsonValue = null;
  while (cursor < end) {
    const tag = varintAt(end);
    switch (tag) {
      case 0x08:
        varintAt(end);
        value = null;
        break;
      case 0x11:
        if (cursor + 8 > end) throw new RangeError('protobuf: truncated double');
        value = source.readDoubleLE(cursor);
        cursor += 8;
        break;
      case 0x1a: {
        const stringEnd = delimitedEnd(end);
        value = utf8(cursor, stringEnd);
        cursor = stringEnd;
        break;
      }
      case 0x20:
        value = varintAt(end) !== 0;
        break;
      case 0x2a: {
        const structEnd = delimitedEnd(end);
        value = structUntil(structEnd, depth + 1);
        break;
      }
      case 0x32: {
        const listEnd = delimitedEnd(end);
        value = listUntil(listEnd, depth + 1);
        break;
      }
      default:
        skipAt(tag & 7, end);
    }
  }
  return value;
}

/**
 * A Struct or a list still in its wire form, inside a shallowly read Struct: it is decoded to
 * JSON values, or turned straight into JSON text, only if and when someone needs it.
 */
export class RawJson {
  private decoded: JsonObject | JsonValue[] | undefined;
  private rendered: Buffer | undefined;

  constructor(
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    readonly kind: 'struct' | 'list',
  ) {}

  /** The JSON value (decoded once). */
  value(): JsonObject | JsonValue[] {
    if (this.decoded === undefined) {
      this.decoded = this.kind === 'struct' ? readStruct(this.buf, this.start, this.end) : readList(this.buf, this.start, this.end);
    }
    return this.decoded;
  }

  /** The JSON text, written straight from the wire bytes. */
  text(): string {
    const out = new FastWriter(this.end - this.start + 64);
    this.writeJson(out);
    return out.view().toString('utf8');
  }

  /**
   * Renders the JSON text once and keeps it, so that a resource is checked (UTF-8, no NUL, depth,
   * well-formed) on its own before it joins a batch; writeJson then copies the kept bytes.
   * Throws InvalidText or RangeError for what cannot be stored.
   */
  render(): Buffer {
    if (this.rendered === undefined) {
      const out = scratch;
      out.reset();
      this.walkJson(out);
      this.rendered = Buffer.from(out.view());
    }
    return this.rendered;
  }

  /** Writes the JSON text's UTF-8 bytes straight from the wire bytes: strings are copied, not decoded. */
  writeJson(out: FastWriter): void {
    if (this.rendered !== undefined) out.raw(this.rendered, 0, this.rendered.length);
    else this.walkJson(out);
  }

  private walkJson(out: FastWriter): void {
    withSource(this.buf, this.start, () => (this.kind === 'struct' ? structJson(out, this.end, 0) : listJson(out, this.end, 0)));
  }

  /** JSON.stringify sees the decoded value. */
  toJSON(): JsonObject | JsonValue[] {
    return this.value();
  }
}

const scratch = new FastWriter(64 * 1024);

export type ShallowValue = null | boolean | number | string | RawJson;

/** Reads a Struct's top level; nested Structs and lists stay RawJson. */
export function readStructShallow(buf: Buffer, start: number, end: number): Record<string, ShallowValue> {
  return withSource(buf, start, () => entriesUntil<ShallowValue>(end, shallowValueUntil));
}

function shallowValueUntil(end: number): ShallowValue {
  let value: ShallowValue = null;
  while (cursor < end) {
    const tag = varintAt(end);
    if (tag === 0x2a || tag === 0x32) {
      const nestedEnd = delimitedEnd(end);
      value = new RawJson(source, cursor, nestedEnd, tag === 0x2a ? 'struct' : 'list');
      cursor = nestedEnd;
    } else if (tag === 0x08 || tag === 0x11 || tag === 0x1a || tag === 0x20) {
      cursor -= 1;
      value = valueUntil(end, 1) as ShallowValue;
    } else skipAt(tag & 7, end);
  }
  return value;
}

function withSource<T>(buf: Buffer, start: number, read: () => T): T {
  const savedSource = source;
  const savedCursor = cursor;
  source = buf;
  cursor = start;
  try {
    return read();
  } finally {
    source = savedSource;
    cursor = savedCursor;
  }
}

/** A JSON string for the UTF-8 bytes [start, end): the bytes themselves unless they need escapes. */
function quotedJson(out: FastWriter, start: number, end: number): void {
  let high = 0;
  for (let i = start; i < end; i++) {
    const byte = source[i];
    high |= byte;
    if (byte < 0x20 || byte === 0x22 || byte === 0x5c) {
      out.utf8(JSON.stringify(utf8(start, end)));
      return;
    }
  }
  // bytes are copied as they are: they must be UTF-8 (checked only when some are not ASCII)
  if (high >= 0x80 && !isUtf8(source.subarray(start, end))) throw new InvalidText('a string is not valid UTF-8');
  out.byte(0x22);
  out.raw(source, start, end);
  out.byte(0x22);
}

function structJson(out: FastWriter, end: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError(DEPTH_MESSAGE);
  out.byte(0x7b);
  let first = true;
  while (cursor < end) {
    const tag = varintAt(end);
    if (tag !== 0x0a) {
      skipAt(tag & 7, end);
      continue;
    }
    const entryEnd = delimitedEnd(end);
    if (!first) out.byte(0x2c);
    first = false;
    // a map entry is key (1) then value (2) in practice; anything else falls back to decoding
    let wroteKey = false;
    let wroteValue = false;
    while (cursor < entryEnd) {
      const entryTag = varintAt(entryEnd);
      if (entryTag === 0x0a && !wroteKey && !wroteValue) {
        const keyEnd = delimitedEnd(entryEnd);
        quotedJson(out, cursor, keyEnd);
        out.byte(0x3a);
        cursor = keyEnd;
        wroteKey = true;
      } else if (entryTag === 0x12 && !wroteValue) {
        if (!wroteKey) out.utf8('"":');
        const valueEnd = delimitedEnd(entryEnd);
        valueJson(out, valueEnd, depth + 1);
        wroteValue = true;
      } else skipAt(entryTag & 7, entryEnd);
    }
    if (!wroteKey) out.utf8('"":');
    if (!wroteValue) out.utf8('null');
  }
  out.byte(0x7d);
}

function listJson(out: FastWriter, end: number, depth: number): void {
  out.byte(0x5b);
  let first = true;
  while (cursor < end) {
    const tag = varintAt(end);
    if (tag === 0x0a) {
      const valueEnd = delimitedEnd(end);
      if (!first) out.byte(0x2c);
      first = false;
      valueJson(out, valueEnd, depth + 1);
    } else skipAt(tag & 7, end);
  }
  out.byte(0x5d);
}

function valueJson(out: FastWriter, end: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError(DEPTH_MESSAGE);
  // a Value holds one kind; should a writer repeat the oneof, the last one counts, as in protobuf
  let last = -1;
  while (cursor < end) {
    const at = cursor;
    const tag = varintAt(end);
    if (tag === 0x08 || tag === 0x11 || tag === 0x1a || tag === 0x20 || tag === 0x2a || tag === 0x32) last = at;
    skipAt(tag & 7, end);
  }
  if (last < 0) {
    out.utf8('null');
    cursor = end;
    return;
  }
  cursor = last;
  const tag = varintAt(end);
  switch (tag) {
    case 0x08:
      varintAt(end);
      out.utf8('null');
      break;
    case 0x11: {
      const number = source.readDoubleLE(cursor);
      cursor += 8;
      out.utf8(Number.isFinite(number) ? String(number) : 'null');
      break;
    }
    case 0x1a: {
      const stringEnd = delimitedEnd(end);
      quotedJson(out, cursor, stringEnd);
      cursor = stringEnd;
      break;
    }
    case 0x20:
      out.utf8(varintAt(end) !== 0 ? 'true' : 'false');
      break;
    case 0x2a: {
      const structEnd = delimitedEnd(end);
      structJson(out, structEnd, depth + 1);
      break;
    }
    case 0x32: {
      const listEnd = delimitedEnd(end);
      listJson(out, listEnd, depth + 1);
      break;
    }
  }
  cursor = end;
}

function readList(buf: Buffer, start: number, end: number): JsonValue[] {
  return withSource(buf, start, () => listUntil(end, 0));
}
