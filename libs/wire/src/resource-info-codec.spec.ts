import { createHash } from 'node:crypto';
import { inventoryPluginGrpc } from '@cloud-inventory/proto';
import { FastWriter } from './fast-writer';
import { decodeResourceInfo, encodeExportRequest, encodeResourceInfo, shallowToJson } from './resource-info-codec';
import { InvalidText, RawJson } from './struct-reader';

// The reference: ts-proto's generated codec for the same messages (its own encoder and decoder).
const { collect } = inventoryPluginGrpc.CollectorService;
const exportMethod = inventoryPluginGrpc.StorageService.export;
const EMPTY_INFO = { state: 'NONE', message: '', resource_type: '', match_rules: undefined, resource: undefined, options: undefined };
const frameOf = (info: Record<string, unknown>): Buffer => collect.responseSerialize({ ...EMPTY_INFO, ...info } as inventoryPluginGrpc.ResourceInfo);
const generic = (frame: Buffer): Record<string, unknown> => ({ ...collect.responseDeserialize(frame) });

const resource = {
  name: 'web-1 ✓ 云',
  provider: 'aws',
  instance_size: 2.5,
  negative: -3,
  big: 2 ** 53 - 1,
  flag: true,
  off: false,
  nothing: null,
  empty: '',
  ip_addresses: ['10.0.0.1', '10.0.0.2'],
  reference: { resource_id: 'i-1', external_link: '' },
  data: { compute: { az: 'a', disks: [{ size: 8, tags: [] }, { size: 16 }] }, deep: { a: { b: { c: { d: [[1], [2, [3]]] } } } }, emptyObject: {} },
};

describe('decodeResourceInfo', () => {
  it('reads what a protobuf encoder wrote, with the same JSON the generated decoder gives', () => {
    const frame = frameOf({
      state: 'SUCCESS',
      message: 'ok',
      resource_type: 'inventory.CloudService',
      match_rules: { '1': ['reference.resource_id', 'provider'] },
      resource,
      options: { update_mode: 'MERGE' },
    });
    const decoded = decodeResourceInfo(frame);
    const reference = generic(frame);
    expect(decoded).toMatchObject({
      state: 'SUCCESS',
      message: 'ok',
      resource_type: 'inventory.CloudService',
      match_rules: reference['match_rules'],
      options: { update_mode: 'MERGE' },
    });
    expect(shallowToJson(decoded.resource!)).toEqual(reference['resource']);
    expect(shallowToJson(decoded.resource!)).toEqual(resource);
  });

  it('reads nested objects lazily: as values, or straight as the JSON text of the same value', () => {
    const decoded = decodeResourceInfo(frameOf({ resource }));
    expect(decoded.resource!['name']).toBe(resource.name);
    const data = decoded.resource!['data'] as RawJson;
    expect(data).toBeInstanceOf(RawJson);
    expect(JSON.parse(data.text())).toEqual(resource.data);
    expect(data.value()).toEqual(resource.data);
    expect(JSON.parse(JSON.stringify(decoded.resource))).toEqual(resource);
    const tricky = { s: 'quote " backslash \\ tab \t newline \n emoji 🚀 云', n: [0, -0.5, 1e21, 2 ** 53], e: {}, l: [] };
    const raw = decodeResourceInfo(frameOf({ resource: { tricky } })).resource!['tricky'] as RawJson;
    expect(JSON.parse(raw.text())).toEqual(tricky);
    const writer = new FastWriter(16);
    raw.writeJson(writer);
    expect(JSON.parse(writer.finish().toString('utf8'))).toEqual(tricky);
    const dataBytes = new FastWriter(16);
    data.writeJson(dataBytes);
    expect(dataBytes.finish().toString('utf8')).toEqual(data.text());
  });

  it('keeps the resource bytes, which change exactly when the resource does', () => {
    const hash = (value: unknown) =>
      createHash('md5').update(decodeResourceInfo(frameOf({ resource: value })).resource_bytes!).digest('hex');
    expect(hash(resource)).toEqual(hash(structuredClone(resource)));
    expect(hash({ ...resource, name: 'web-2' })).not.toEqual(hash(resource));
  });

  it('gives defaults for an empty frame, state names for numbers, and skips unknown fields', () => {
    expect(decodeResourceInfo(Buffer.alloc(0))).toMatchObject({ state: 'NONE', message: '', resource: undefined });
    const frame = Buffer.concat([frameOf({ state: 'FAILURE', message: 'denied' }), Buffer.from([0x78, 0x05, 0x82, 0x01, 0x01, 0x00])]);
    expect(decodeResourceInfo(frame)).toMatchObject({ state: 'FAILURE', message: 'denied' });
  });

  it('turns a truncated frame into a decode error instead of inventing data or ending the stream', () => {
    const frame = frameOf({ resource_type: 'inventory.CloudService', resource });
    const decoded = decodeResourceInfo(frame.subarray(0, frame.length - 5));
    expect(decoded).toMatchObject({ resource_type: 'inventory.CloudService', resource: undefined, decode_error: 'protobuf: truncated field' });
    expect(decodeResourceInfo(frame).decode_error).toBeUndefined();
  });

  /** A frame whose placeholder text is replaced, byte for byte, by bytes no encoder would write. */
  const withBytes = (frame: Buffer, placeholder: string, bytes: number[]): Buffer => {
    const at = frame.indexOf(placeholder);
    expect(at).toBeGreaterThanOrEqual(0);
    const copy = Buffer.from(frame);
    Buffer.from(bytes).copy(copy, at);
    return copy;
  };

  it('refuses invalid UTF-8 and NUL characters in top-level strings, as a decode error of that frame', () => {
    const invalid = withBytes(frameOf({ resource: { name: 'PLACEHOLDER' } }), 'PLACEHOLDER', [0xc3, 0x28, 0xff]);
    expect(decodeResourceInfo(invalid).decode_error).toBe('a string is not valid UTF-8');
    expect(decodeResourceInfo(frameOf({ resource: { name: 'a\u0000b' } })).decode_error).toBe('a string holds a NUL character');
    // a real replacement character is text like any other
    expect(decodeResourceInfo(frameOf({ resource: { name: 'a\uFFFDb' } })).resource!['name']).toBe('a\uFFFDb');
    // the plugin's message keeps its text, less NULs
    expect(decodeResourceInfo(frameOf({ message: 'bad\u0000news' })).message).toBe('badnews');
  });

  it('refuses invalid UTF-8 and NUL characters in nested data, keys and lists when the JSON is rendered', () => {
    const nested = (value: Record<string, unknown>) => decodeResourceInfo(frameOf({ resource: { data: value } })).resource!['data'] as RawJson;
    expect(() => nested({ deep: { s: 'a\u0000b' } }).render()).toThrow(InvalidText);
    expect(() => nested({ ['k\u0000']: 1 }).render()).toThrow('NUL');
    expect(() => nested({ list: ['x', 'a\u0000'] }).render()).toThrow('NUL');
    const bad = withBytes(frameOf({ resource: { data: { deep: { s: 'PLACEHOLDER' } } } }), 'PLACEHOLDER', [0x80, 0x80]);
    expect(() => (decodeResourceInfo(bad).resource!['data'] as RawJson).render()).toThrow('not valid UTF-8');
    const fine = nested({ s: 'é ✓ 云', q: 'say "hi"' });
    expect(JSON.parse(fine.render().toString('utf8'))).toEqual({ s: 'é ✓ 云', q: 'say "hi"' });
    // what was rendered is what is written
    const out = new FastWriter(8);
    fine.writeJson(out);
    expect(out.finish().equals(fine.render())).toBe(true);
  });

  it('keeps "__proto__" and "constructor" as plain keys of a Struct, never as the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}');
    // (ts-proto's Struct.wrap drops such a key: the hand-written encoder keeps it)
    const decoded = decodeResourceInfo(Buffer.from(encodeResourceInfo({ resource: { data: hostile } }))).resource!['data'] as RawJson;
    const value = decoded.value() as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect((value as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.parse(decoded.render().toString('utf8'))).toEqual(hostile);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('encodeResourceInfo', () => {
  it('writes what the generated protobuf decoder reads back, field for field', () => {
    const info = {
      state: 'FAILURE',
      message: 'denied',
      resource_type: 'inventory.ErrorResource',
      match_rules: { '1': ['name'] },
      resource,
      options: { update_mode: 'MERGE' },
    };
    expect(generic(encodeResourceInfo(info))).toEqual({ ...info, resource: generic(frameOf(info))['resource'] });
    const decoded = decodeResourceInfo(encodeResourceInfo(info));
    expect({ ...decoded, resource: shallowToJson(decoded.resource!) }).toMatchObject(info);
  });

  it('omits defaults as proto3 does, and refuses an unknown state', () => {
    expect(encodeResourceInfo({ state: 'NONE' })).toHaveLength(0);
    expect(generic(encodeResourceInfo({ resource: {} }))).toMatchObject({ state: 'NONE', resource: {} });
    expect(() => encodeResourceInfo({ state: 'EXPLODED' })).toThrow('unknown state');
  });
});

describe('encodeExportRequest', () => {
  it('builds an ExportRequest a protobuf decoder reads back, reusing the resources bytes as they came', () => {
    const frames = [resource, { name: 'db', tags: { env: 'prod' } }].map((r) => decodeResourceInfo(frameOf({ resource: r })));
    const request = encodeExportRequest(
      { path: 'nightly' },
      { kind: 'resources', job_id: 'job-1', resource_type: 'inventory.CloudService' },
      frames.map((f) => f.resource_bytes!),
    );
    expect(exportMethod.requestDeserialize(request)).toEqual({
      options: { path: 'nightly' },
      schema: '',
      secret_data: undefined,
      data: {
        kind: 'resources',
        job_id: 'job-1',
        resource_type: 'inventory.CloudService',
        resources: [resource, { name: 'db', tags: { env: 'prod' } }],
      },
    });
  });
});
