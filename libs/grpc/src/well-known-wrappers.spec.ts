import { serviceClientConstructor } from './grpc-client';

/** Struct fields must survive grpc-js serialisation as the JSON they were (see well-known-wrappers.ts). */
describe('Struct / Value / ListValue wrappers', () => {
  const service = (serviceClientConstructor('storagePlugin', 'spaceone.api.inventory.plugin.Storage') as unknown as {
    service: Record<string, { requestSerialize(v: unknown): Buffer; requestDeserialize(b: Buffer): Record<string, unknown>; responseSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): Record<string, unknown> }>;
  }).service;

  it('round-trips JSON of every kind through an ExportRequest', () => {
    const data = {
      kind: 'resources', zero: 0, negative: -1.5, big: 2 ** 52, empty: '', no: false, yes: true, nothing: null,
      unicode: 'ünï — 云 🚀', list: [1, 'a', null, false, [], {}, [[2]], { deep: { deeper: ['x'] } }], object: {}, nested: { a: { b: { c: { d: 'e' } } } },
    };
    const decoded = service['export'].requestDeserialize(service['export'].requestSerialize({ options: { path: 'a/b' }, secret_data: {}, data }));
    expect(decoded).toEqual({ options: { path: 'a/b' }, schema: '', secret_data: {}, data });
  });

  it('drops undefined members as JSON does and leaves absent Structs null', () => {
    const decoded = service['export'].requestDeserialize(service['export'].requestSerialize({ data: { a: undefined, b: [undefined] } }));
    expect(decoded).toEqual({ options: null, schema: '', secret_data: null, data: { b: [null] } });
  });

  it('round-trips the init response metadata', () => {
    const metadata = { supported_destinations: ['file'], data_version: 1 };
    expect(service['init'].responseDeserialize(service['init'].responseSerialize({ metadata }))).toEqual({ metadata });
  });

  it('keeps "__proto__" and "constructor" as plain keys of a Struct through the wire, never as a prototype', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true, "__proto__": [1]}, "constructor": {"prototype": "x"}, "list": [{"__proto__": null}]}');
    const decoded = service['export'].requestDeserialize(service['export'].requestSerialize({ data }))['data'] as Record<string, unknown>;
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(data));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'constructor', 'list']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
