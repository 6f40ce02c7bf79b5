import { inventoryPluginGrpc } from '@cloud-inventory/proto';
import { FastWriter, writeStructFields } from './fast-writer';
import { forEachField, readStruct, readStructShallow, RawJson } from './struct-reader';

type Field = [field: number, wireType: number, valueOrStart: number, valueEnd: number];

function fields(buf: Buffer): Field[] {
  const seen: Field[] = [];
  forEachField(buf, 0, buf.length, seen, (into, field, wireType, valueOrStart, valueEnd) => into.push([field, wireType, valueOrStart, valueEnd]));
  return seen;
}

describe('forEachField', () => {
  it('gives varint values (past 2^31 too), the range of length-delimited bytes, and the offset of fixed fields', () => {
    const buf = Buffer.from([
      0x08, 0x96, 0x01, // field 1 varint 150
      0x10, 0x80, 0x80, 0x80, 0x80, 0x10, // field 2 varint 2^32
      0x1a, 0x03, 0x61, 0x62, 0x63, // field 3 bytes "abc"
      0x21, 1, 2, 3, 4, 5, 6, 7, 8, // field 4 fixed64
      0x2d, 1, 2, 3, 4, // field 5 fixed32
      0x80, 0x01, 0x07, // field 16 varint 7 (a two-byte tag)
    ]);
    expect(fields(buf)).toEqual([
      [1, 0, 150, 3],
      [2, 0, 2 ** 32, 9],
      [3, 2, 11, 14],
      [4, 1, 15, 23],
      [5, 5, 24, 28],
      [16, 0, 7, 31],
    ]);
    expect(buf.toString('utf8', 11, 14)).toBe('abc');
  });

  it('refuses truncated input and wire types protobuf 3 does not use', () => {
    for (const bad of [[0x08], [0x08, 0x80], [0x1a, 0x05, 0x61], [0x21, 1, 2, 3], [0x2d, 1], [0x0b], [0x80]]) {
      expect(() => fields(Buffer.from(bad))).toThrow(RangeError);
    }
  });
});

describe('readStruct', () => {
  it('reads what the generated encoder wrote, and what FastWriter wrote, into the same JSON', () => {
    const value = { n: -1.25, big: 2 ** 53 - 1, s: 'é ✓', t: true, f: false, z: null, list: [1, [2, [null]], { a: [] }], o: { p: { q: {} } } };
    const generated = Buffer.from(inventoryPluginGrpc.PluginInfo.encode({ metadata: value }).finish());
    // PluginInfo { Struct metadata = 1 }: the Struct's bytes start after tag and length
    const [[, , start, end]] = fields(generated);
    expect(readStruct(generated, start, end)).toEqual(value);
    const writer = new FastWriter(8);
    writeStructFields(writer, value);
    const written = writer.finish();
    expect(written.equals(generated.subarray(start, end))).toBe(true);
    expect(readStruct(written, 0, written.length)).toEqual(value);
    const shallow = readStructShallow(written, 0, written.length);
    expect(shallow['list']).toBeInstanceOf(RawJson);
    expect(JSON.parse((shallow['o'] as RawJson).text())).toEqual(value.o);
  });

  it('refuses a Struct nested past the depth limit instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) deep = { d: deep };
    const writer = new FastWriter();
    writeStructFields(writer, deep);
    const buf = writer.finish();
    expect(() => readStruct(buf, 0, buf.length)).toThrow('a Struct is nested deeper than 64 levels');
    const shallow = readStructShallow(buf, 0, buf.length);
    expect(() => (shallow['d'] as RawJson).render()).toThrow('nested deeper than 64 levels');
  });

  it('reads a Struct at the depth limit', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 63; i++) deep = { d: deep };
    const writer = new FastWriter();
    writeStructFields(writer, deep);
    const buf = writer.finish();
    expect(readStruct(buf, 0, buf.length)).toEqual(deep);
  });
});
