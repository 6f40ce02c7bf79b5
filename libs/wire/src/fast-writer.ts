/**
 * A protobuf writer for the hot paths: one growing buffer, strings written natively, and a
 * nested message's length written after its content (one byte reserved; the content is moved
 * only in the rare case that it is 128 bytes or longer).
 */
export class FastWriter {
  private buf: Buffer;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  varint(value: number): void {
    this.ensure(10);
    while (value > 0x7f) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Starts a length-delimited field's content; pass the result to end(). */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  end(lengthAt: number): void {
    const length = this.pos - lengthAt - 1;
    if (length < 0x80) {
      this.buf[lengthAt] = length;
      return;
    }
    let extra = 0;
    for (let rest = length >>> 7; rest > 0; rest >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(lengthAt + 1 + extra, lengthAt + 1, this.pos);
    this.pos += extra;
    let at = lengthAt;
    let value = length;
    while (value > 0x7f) {
      this.buf[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[at] = value;
  }

  string(value: string): void {
    // at most 3 bytes per UTF-16 unit
    this.ensure(value.length * 3 + 1);
    const at = this.begin();
    this.pos += this.buf.write(value, this.pos, 'utf8');
    this.end(at);
  }

  /** A string's UTF-8 bytes, no length prefix. Short ASCII strings are copied in JavaScript (cheaper than a native call). */
  utf8(value: string): void {
    const length = value.length;
    this.ensure(length * 3);
    if (length <= 48) {
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          this.pos += this.buf.write(value, this.pos, 'utf8');
          return;
        }
        buf[pos++] = code;
      }
      this.pos = pos;
      return;
    }
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /** Bytes copied as they are, no length prefix. */
  raw(source: Buffer, start: number, end: number): void {
    const length = end - start;
    this.ensure(length);
    if (length <= 48) {
      const buf = this.buf;
      let pos = this.pos;
      for (let i = start; i < end; i++) buf[pos++] = source[i];
      this.pos = pos;
      return;
    }
    source.copy(this.buf, this.pos, start, end);
    this.pos += length;
  }

  bytes(value: Buffer): void {
    this.varint(value.length);
    this.ensure(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
  }

  /** The bytes written, copied out (the writer may be reused). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** The bytes written, without a copy: for a writer that is not used again. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}

/** Writes a JSON value as google.protobuf.Value fields (no length prefix). */
export function writeValue(writer: FastWriter, value: unknown): void {
  if (value === null || value === undefined) {
    writer.byte(0x08);
    writer.byte(0);
  } else if (typeof value === 'string') {
    writer.byte(0x1a);
    writer.string(value);
  } else if (typeof value === 'number') {
    writer.byte(0x11);
    writer.double(value);
  } else if (typeof value === 'boolean') {
    writer.byte(0x20);
    writer.byte(value ? 1 : 0);
  } else if (Array.isArray(value)) {
    writer.byte(0x32);
    const list = writer.begin();
    for (const item of value) {
      writer.byte(0x0a);
      const at = writer.begin();
      writeValue(writer, item);
      writer.end(at);
    }
    writer.end(list);
  } else if (typeof value === 'object') {
    writer.byte(0x2a);
    const struct = writer.begin();
    writeStructFields(writer, value as Record<string, unknown>);
    writer.end(struct);
  } else {
    throw new TypeError(`A ${typeof value} cannot be a google.protobuf.Value`);
  }
}

/** Writes a JSON object as google.protobuf.Struct fields (no length prefix). */
export function writeStructFields(writer: FastWriter, object: Record<string, unknown>): void {
  for (const key in object) {
    const value = object[key];
    if (value === undefined) continue;
    writer.byte(0x0a);
    const entry = writer.begin();
    writer.byte(0x0a);
    writer.string(key);
    writer.byte(0x12);
    const at = writer.begin();
    writeValue(writer, value);
    writer.end(at);
    writer.end(entry);
  }
}
