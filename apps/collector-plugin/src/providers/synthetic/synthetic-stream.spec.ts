import { inventoryPlugin } from '@cloud-inventory/proto';
import { changedResourceCount, expectedMessageCounts } from './synthetic-counts';
import { SyntheticTaskSlice, parseSyntheticOptions } from './synthetic-options';
import { syntheticMessages } from './synthetic-stream';
import { JsonRecord } from '@cloud-inventory/testing';

type ResourceInfo = inventoryPlugin.ResourceInfo;
const ACCOUNT = '123456789012';

function messagesOf(rawOptions: Record<string, unknown>, slice?: SyntheticTaskSlice, account = ACCOUNT): ResourceInfo[] {
  return [...syntheticMessages({ options: parseSyntheticOptions(rawOptions), account, slice })];
}

function byResourceId(messages: ResourceInfo[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const message of messages) {
    if (message.resource_type !== 'inventory.CloudService') continue;
    map.set(message.resource?.['reference'].resource_id, JSON.stringify(message));
  }
  return map;
}

function ofType(messages: ResourceInfo[], resourceType: string): ResourceInfo[] {
  return messages.filter((message) => message.resource_type === resourceType);
}

describe('synthetic stream', () => {
  it('is deterministic: the same options give a byte-identical stream', () => {
    const options = { count: 300, invalid: 7, error_resources: 5, seed: 42 };
    expect(JSON.stringify(messagesOf(options))).toBe(JSON.stringify(messagesOf(options)));
  });

  it('gives a smaller count the same resources, minus the tail (so disappeared resources are all that changes)', () => {
    const large = byResourceId(messagesOf({ count: 120, include_types: false }));
    const small = byResourceId(messagesOf({ count: 99, include_types: false }));
    expect(small.size).toBe(99);
    for (const [id, message] of small) expect(message).toBe(large.get(id));
  });

  it('depends on the seed and on the account', () => {
    const first = JSON.stringify(messagesOf({ count: 20, include_types: false }));
    expect(JSON.stringify(messagesOf({ count: 20, include_types: false, seed: 2 }))).not.toBe(first);
    const otherAccount = messagesOf({ count: 20, include_types: false }, undefined, '210987654321');
    expect(otherAccount.every((message) => message.resource?.['account'] === '210987654321')).toBe(true);
  });

  it('emits count CloudServices with the Cloudforet ResourceInfo shape', () => {
    const messages = messagesOf({ count: 50, include_types: false });
    expect(messages).toHaveLength(50);
    const ids = new Set(messages.map((message) => message.resource?.['reference'].resource_id));
    expect(ids.size).toBe(50);
    expect(ids.has('syn-1-0')).toBe(true);
    expect(ids.has('syn-1-49')).toBe(true);
    for (const message of messages) {
      expect(message.state).toBe(inventoryPlugin.ResourceInfo_State.SUCCESS);
      expect(message.message).toBe('');
      expect(message.match_rules).toEqual({ '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'] });
      const resource = message.resource as JsonRecord;
      expect(resource).toMatchObject({ provider: 'synthetic', account: ACCOUNT });
      for (const key of ['name', 'instance_type', 'cloud_service_group', 'cloud_service_type', 'region_code', 'launched_at']) {
        expect(typeof resource[key]).toBe('string');
      }
      expect(typeof resource['instance_size']).toBe('number');
      expect(resource['ip_addresses']).toHaveLength(2);
      expect(resource['reference'].external_link).toContain(resource['reference'].resource_id);
      expect(resource['data'].compute.security_groups.length).toBeGreaterThan(0);
      expect(resource['data'].hardware.core).toBe(resource['instance_size']);
      expect(resource['data'].tags).toContainEqual({ key: 'Name', value: resource['name'] });
    }
  });

  it('follows the mix: only its group/type pairs, roughly in proportion to the weights', () => {
    const messages = messagesOf({
      count: 4000,
      include_types: false,
      mix: [
        { cloud_service_group: 'Compute', cloud_service_type: 'VM', weight: 3 },
        { cloud_service_group: 'Storage', cloud_service_type: 'Disk', weight: 1 },
      ],
    });
    const vms = messages.filter((message) => message.resource?.['cloud_service_type'] === 'VM').length;
    const disks = messages.filter((message) => message.resource?.['cloud_service_type'] === 'Disk').length;
    expect(vms + disks).toBe(4000);
    expect(vms / 4000).toBeGreaterThan(0.7);
    expect(vms / 4000).toBeLessThan(0.8);
  });

  it('changes exactly changedResourceCount(count, change_every) resources between two versions', () => {
    for (const [count, changeEvery] of [
      [1000, 10],
      [1001, 10],
      [999, 7],
      [5, 1],
      [3, 100],
      [0, 10],
    ]) {
      const v1 = byResourceId(messagesOf({ count, change_every: changeEvery, version: 1 }));
      const v2 = byResourceId(messagesOf({ count, change_every: changeEvery, version: 2 }));
      const v7 = byResourceId(messagesOf({ count, change_every: changeEvery, version: 7 }));
      expect([...v2.keys()]).toEqual([...v1.keys()]);
      const changed = [...v1.keys()].filter((id) => v1.get(id) !== v2.get(id));
      expect(changed.length).toBe(changedResourceCount(count, changeEvery));
      expect(changed).toEqual([...v1.keys()].filter((id) => Number(id.split('-')[2]) % changeEvery === 0));
      expect([...v1.keys()].filter((id) => v1.get(id) !== v7.get(id))).toEqual(changed);
    }
  });

  it('keeps types, regions, invalid and error messages identical across versions', () => {
    const strip = (messages: ResourceInfo[]) =>
      messages.filter((message) => !(message.resource_type === 'inventory.CloudService' && message.resource?.['cloud_service_type']));
    const options = { count: 100, invalid: 3, error_resources: 2 };
    expect(JSON.stringify(strip(messagesOf({ ...options, version: 1 })))).toBe(JSON.stringify(strip(messagesOf({ ...options, version: 5 }))));
  });

  it('computes the changed count as the number of multiples of change_every below count', () => {
    expect(changedResourceCount(100, 10)).toBe(10);
    expect(changedResourceCount(101, 10)).toBe(11);
    expect(changedResourceCount(1, 10)).toBe(1);
    expect(changedResourceCount(0, 10)).toBe(0);
    expect(changedResourceCount(1_000_000, 3)).toBe(333_334);
  });

  it('partitions the stream exactly across task slices: union is the whole, no overlap, same bytes', () => {
    const options = { count: 1003, invalid: 11, error_resources: 6 };
    const whole = messagesOf(options).map((message) => JSON.stringify(message));
    const parts = 4;
    const slices = Array.from({ length: parts }, (_, part) => messagesOf(options, { part, parts }).map((message) => JSON.stringify(message)));
    const union = slices.flat();
    expect(union).toHaveLength(whole.length);
    expect(new Set(union).size).toBe(union.length);
    expect(new Set(union)).toEqual(new Set(whole));
    slices.forEach((slice, part) => {
      expect(slice.length).toBe(expectedMessageCounts(parseSyntheticOptions(options), { part, parts }).total);
    });
  });

  it('emits CloudServiceTypes and Regions at the end, in part 0 only', () => {
    const options = { count: 40, tasks: 3 };
    const whole = messagesOf(options);
    const tail = whole.slice(40);
    expect(whole.slice(0, 40).every((message) => message.resource_type === 'inventory.CloudService')).toBe(true);
    expect(ofType(tail, 'inventory.CloudServiceType')).toHaveLength(5);
    expect(ofType(tail, 'inventory.Region')).toHaveLength(6);
    expect(tail).toHaveLength(11);
    const type = ofType(tail, 'inventory.CloudServiceType')[0];
    expect(type.match_rules).toEqual({ '1': ['name', 'group', 'provider'] });
    expect(type.resource).toMatchObject({ name: 'Instance', group: 'EC2', provider: 'synthetic', is_primary: true });
    const region = ofType(tail, 'inventory.Region')[0];
    expect(region.match_rules).toEqual({ '1': ['provider', 'region_code'] });
    expect(region.resource).toMatchObject({ region_code: 'us-east-1', provider: 'synthetic' });

    const usedRegions = new Set(whole.slice(0, 40).map((message) => message.resource?.['region_code']));
    expect(new Set(ofType(tail, 'inventory.Region').map((message) => message.resource?.['region_code']))).toEqual(usedRegions);

    expect(ofType(messagesOf(options, { part: 0, parts: 3 }), 'inventory.Region')).toHaveLength(6);
    expect(ofType(messagesOf(options, { part: 1, parts: 3 }), 'inventory.Region')).toHaveLength(0);
    expect(ofType(messagesOf(options, { part: 2, parts: 3 }), 'inventory.CloudServiceType')).toHaveLength(0);
    expect(ofType(messagesOf({ count: 40, include_types: false }), 'inventory.Region')).toHaveLength(0);
  });

  it('emits one Region per region used when count is smaller than the region list', () => {
    const messages = messagesOf({ count: 2 });
    expect(ofType(messages, 'inventory.Region').map((message) => message.resource?.['region_code'])).toEqual(
      [...new Set(messages.slice(0, 2).map((message) => message.resource?.['region_code']))],
    );
    expect(ofType(messagesOf({ count: 0 }), 'inventory.Region')).toHaveLength(0);
  });

  it('emits `invalid` CloudServices without cloud_service_type, interleaved with the valid ones', () => {
    const messages = messagesOf({ count: 100, invalid: 9, include_types: false });
    expect(messages).toHaveLength(109);
    const invalid = messages.filter((message) => !('cloud_service_type' in (message.resource ?? {})));
    expect(invalid).toHaveLength(9);
    for (const message of invalid) {
      expect(message.resource_type).toBe('inventory.CloudService');
      expect(message.resource?.['reference'].resource_id).toMatch(/^syn-1-invalid-\d+$/);
      expect(message.resource?.['cloud_service_group']).toEqual(expect.any(String));
    }
    const positions = invalid.map((message) => messages.indexOf(message));
    expect(positions[0]).toBeGreaterThan(0);
    expect(positions[positions.length - 1]).toBeLessThan(messages.length - 1);
  });

  it('emits `error_resources` FAILURE messages shaped as Cloudforet ErrorResources', () => {
    const messages = messagesOf({ count: 30, error_resources: 4, include_types: false });
    const errors = messages.filter((message) => message.state === inventoryPlugin.ResourceInfo_State.FAILURE);
    expect(errors).toHaveLength(4);
    for (const message of errors) {
      expect(message.resource_type).toBe('inventory.ErrorResource');
      expect(message.message).toMatch(/^synthetic error resource \d+: failed to collect \S+\/\S+ in \S+/);
      expect(message.resource).toEqual({
        resource_type: 'inventory.CloudService',
        provider: 'synthetic',
        cloud_service_group: expect.any(String),
        cloud_service_type: expect.any(String),
        resource_id: expect.stringMatching(/^syn-1-error-\d+$/),
      });
    }
    expect(messages.filter((message) => message.state === inventoryPlugin.ResourceInfo_State.SUCCESS)).toHaveLength(30);
  });

  it('matches expectedMessageCounts by kind', () => {
    const raw = { count: 77, invalid: 5, error_resources: 3 };
    const messages = messagesOf(raw);
    const expected = expectedMessageCounts(parseSyntheticOptions(raw));
    expect(expected).toEqual({ cloud_services: 77, invalid: 5, error_resources: 3, cloud_service_types: 5, regions: 6, namespaces: 0, metrics: 0, total: 96 });
    expect(messages).toHaveLength(expected.total);
    expect(messages.filter((message) => message.resource?.['cloud_service_type'] && message.resource_type === 'inventory.CloudService')).toHaveLength(77);
  });

  it('sizes each CloudService at about resource_bytes of JSON', () => {
    for (const resourceBytes of [1200, 3000, 20_000]) {
      const sizes = messagesOf({ count: 200, include_types: false, resource_bytes: resourceBytes }).map(
        (message) => Buffer.byteLength(JSON.stringify(message.resource)),
      );
      for (const size of sizes) {
        expect(size).toBeGreaterThan(resourceBytes * 0.9);
        expect(size).toBeLessThan(resourceBytes * 1.1);
      }
    }
    const smallest = messagesOf({ count: 1, include_types: false, resource_bytes: 0 })[0];
    expect(smallest.resource?.['data'].description).toBe('');
  });

  it('sends data as a JSON string in json_data when asked, otherwise unchanged', () => {
    const plain = messagesOf({ count: 20, invalid: 2, include_types: false });
    const encoded = messagesOf({ count: 20, invalid: 2, include_types: false, json_data: true });
    expect(encoded).toHaveLength(plain.length);
    encoded.forEach((message, i) => {
      const { json_data: jsonData, ...rest } = message.resource as Record<string, unknown>;
      expect(typeof jsonData).toBe('string');
      expect(rest['data']).toBeUndefined();
      const { data, ...plainRest } = plain[i].resource as Record<string, unknown>;
      expect(rest).toEqual(plainRest);
      expect(JSON.parse(jsonData as string)).toEqual({ ...(data as object), description: expect.any(String) });
      expect(Buffer.byteLength(JSON.stringify(message.resource))).toBeGreaterThan(1200 * 0.9);
      expect(Buffer.byteLength(JSON.stringify(message.resource))).toBeLessThan(1200 * 1.1);
    });
  });

  it('generates lazily: pulling a few messages of a huge stream builds only those', () => {
    const iterator = syntheticMessages({ options: parseSyntheticOptions({ count: 1_000_000_000 }), account: ACCOUNT });
    const pulled = Array.from({ length: 10 }, () => iterator.next());
    expect(pulled.map((result) => result.done)).toEqual(Array(10).fill(false));
    expect(pulled.map((result) => (result.value as ResourceInfo).resource?.['reference'].resource_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `syn-1-${i}`),
    );
  });
});
