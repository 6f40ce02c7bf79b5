import { serviceClientConstructor } from '@cloud-inventory/grpc';
import { parseSyntheticOptions } from './providers/synthetic/synthetic-options';
import { syntheticMessages } from './providers/synthetic/synthetic-stream';

type Codec = {
  requestSerialize(value: unknown): Buffer;
  requestDeserialize(buffer: Buffer): Record<string, unknown>;
  responseSerialize(value: unknown): Buffer;
  responseDeserialize(buffer: Buffer): Record<string, unknown>;
};

/** Struct fields must cross grpc-js serialisation as the JSON they were (libs/grpc's well-known wrappers). */
describe('Struct wrappers on the Collector service', () => {
  const service = (serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector') as unknown as {
    service: Record<string, Codec>;
  }).service;

  it('round-trips every kind of synthetic message', () => {
    const options = parseSyntheticOptions({ count: 30, invalid: 2, error_resources: 2, namespaces: true, metrics: true, drift_every_seconds: 60 });
    for (const message of syntheticMessages({ options, account: '123456789012', driftBucket: 3 })) {
      const decoded = service['collect'].responseDeserialize(service['collect'].responseSerialize(message));
      expect(decoded).toEqual({ ...message, match_rules: message.match_rules ?? null, options: null });
    }
  });

  it('round-trips a CollectRequest with JSON of every kind, absent Structs as null', () => {
    const options = { count: 5, big: 2 ** 52, negative: -1.5, empty: '', no: false, nothing: null, list: [1, 'a', null, [], {}, [[2]]], nested: { a: { b: ['x'] } } };
    const decoded = service['collect'].requestDeserialize(
      service['collect'].requestSerialize({ options, secret_data: { account_id: 'x' }, filter: {} }),
    );
    expect(decoded).toEqual({ options, secret_data: { account_id: 'x' }, filter: {}, task_options: null });
  });
});
