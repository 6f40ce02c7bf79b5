import { inventoryPlugin } from '@cloud-inventory/proto';
import { changedResourceCount, driftBucketAt } from './synthetic-counts';
import { parseSyntheticOptions } from './synthetic-options';
import { syntheticMessages } from './synthetic-stream';
import { SyntheticCollectorProvider } from './synthetic.collector-provider';
import { JsonRecord } from '@cloud-inventory/testing';

type ResourceInfo = inventoryPlugin.ResourceInfo;
type Resource = JsonRecord;
const ACCOUNT = '123456789012';

function messagesOf(rawOptions: Record<string, unknown>, driftBucket?: number): ResourceInfo[] {
  return [...syntheticMessages({ options: parseSyntheticOptions(rawOptions), account: ACCOUNT, driftBucket })];
}

function cloudServicesById(messages: ResourceInfo[]): Map<string, Resource> {
  const map = new Map<string, Resource>();
  for (const message of messages) {
    if (message.resource_type === 'inventory.CloudService') map.set(message.resource?.['reference'].resource_id, message.resource as Resource);
  }
  return map;
}

/** The dotted paths of the leaves (arrays whole) whose values differ between two resources. */
function changedPaths(before: unknown, after: unknown, path = ''): string[] {
  const isObject = (value: unknown): value is Resource => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => changedPaths(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}

function changesBetween(first: ResourceInfo[], second: ResourceInfo[]): Map<string, string[]> {
  const before = cloudServicesById(first);
  const after = cloudServicesById(second);
  expect([...after.keys()]).toEqual([...before.keys()]);
  const changes = new Map<string, string[]>();
  for (const [id, resource] of before) {
    const paths = changedPaths(resource, after.get(id));
    if (paths.length > 0) changes.set(id, paths.sort());
  }
  return changes;
}

const indexOf = (id: string) => Number(id.split('-')[2]);
const DRIFT_PATHS = ['data.compute.instance_state', 'data.synthetic.drift', 'tags.synthetic_drift'];

describe('synthetic drift', () => {
  it('buckets time by drift_every_seconds, and is off at 0', () => {
    expect(driftBucketAt(60, 0)).toBe(0);
    expect(driftBucketAt(60, 59_999)).toBe(0);
    expect(driftBucketAt(60, 60_000)).toBe(1);
    expect(driftBucketAt(1, 1_700_000_000_123)).toBe(1_700_000_000);
    expect(driftBucketAt(0, 1_700_000_000_123)).toBe(0);
  });

  it('is off by default: the bucket changes nothing', () => {
    const options = { count: 200, invalid: 2, error_resources: 2 };
    expect(JSON.stringify(messagesOf(options, 7))).toBe(JSON.stringify(messagesOf(options)));
  });

  it('is deterministic within a bucket', () => {
    const options = { count: 200, drift_every_seconds: 60 };
    expect(JSON.stringify(messagesOf(options, 28_333_334))).toBe(JSON.stringify(messagesOf(options, 28_333_334)));
  });

  it('changes exactly the resources with index % change_every == 0 from one bucket to the next, in three keys', () => {
    for (const [count, changeEvery] of [
      [1000, 10],
      [999, 7],
      [5, 1],
      [3, 100],
    ]) {
      const options = { count, change_every: changeEvery, drift_every_seconds: 60 };
      const changes = changesBetween(messagesOf(options, 100), messagesOf(options, 101));
      expect(changes.size).toBe(changedResourceCount(count, changeEvery));
      for (const [id, paths] of changes) {
        expect(indexOf(id) % changeEvery).toBe(0);
        expect(paths).toEqual(DRIFT_PATHS);
      }
    }
  });

  it('sets the bucket as data.synthetic.drift and the synthetic_drift tag, and stops the resource in odd buckets', () => {
    const [even, odd] = [100, 101].map((bucket) => cloudServicesById(messagesOf({ count: 20, drift_every_seconds: 60 }, bucket)));
    expect(even.get('syn-1-10')).toMatchObject({ tags: { synthetic_drift: '100' }, data: { synthetic: { index: 10, version: 1, drift: 100 }, compute: { instance_state: 'RUNNING' } } });
    expect(odd.get('syn-1-10')).toMatchObject({ tags: { synthetic_drift: '101' }, data: { synthetic: { index: 10, version: 1, drift: 101 }, compute: { instance_state: 'STOPPED' } } });
    expect(odd.get('syn-1-11')!['tags']).not.toHaveProperty('synthetic_drift');
    expect(odd.get('syn-1-11')!['data'].compute.instance_state).toBe('RUNNING');
    // two buckets apart: the state is back, the bucket still moved
    const later = changesBetween(messagesOf({ count: 20, drift_every_seconds: 60 }, 100), messagesOf({ count: 20, drift_every_seconds: 60 }, 102));
    expect([...later.values()]).toEqual([['data.synthetic.drift', 'tags.synthetic_drift'], ['data.synthetic.drift', 'tags.synthetic_drift']]);
  });

  it('leaves the other resources, types, regions, invalid and error messages as they are without drift', () => {
    const options = { count: 300, invalid: 3, error_resources: 3 };
    const plain = messagesOf(options);
    const drifting = messagesOf({ ...options, drift_every_seconds: 60 }, 101);
    expect(drifting).toHaveLength(plain.length);
    const differing = drifting.filter((message, i) => JSON.stringify(message) !== JSON.stringify(plain[i]));
    expect(differing.map((message) => message.resource?.['reference'].resource_id)).toEqual(
      Array.from({ length: 30 }, (_, i) => `syn-1-${i * 10}`),
    );
  });

  it('composes with version: a resource that changes with both carries both', () => {
    const base = messagesOf({ count: 30, drift_every_seconds: 60 }, 100);
    const changes = changesBetween(base, messagesOf({ count: 30, drift_every_seconds: 60, version: 2 }, 101));
    expect(changes.size).toBe(3);
    for (const paths of changes.values()) expect(paths).toEqual(expect.arrayContaining([...DRIFT_PATHS, 'data.synthetic.version', 'tags.synthetic_version']));
  });

  it('drifts inside json_data too', () => {
    const [first, second] = [100, 101].map((bucket) => cloudServicesById(messagesOf({ count: 10, drift_every_seconds: 60, json_data: true }, bucket)));
    expect(JSON.parse(first.get('syn-1-0')!['json_data']).synthetic.drift).toBe(100);
    expect(JSON.parse(second.get('syn-1-0')!['json_data']).compute.instance_state).toBe('STOPPED');
    expect(second.get('syn-1-0')!['tags'].synthetic_drift).toBe('101');
  });

  it('takes the bucket from the clock when a collect starts', async () => {
    const provider = new SyntheticCollectorProvider();
    const collectAt = async (nowMs: number) => {
      provider.now = () => nowMs;
      const messages: ResourceInfo[] = [];
      const options = { count: 20, include_types: false, drift_every_seconds: 30 };
      for await (const message of provider.collect({ options, secret_data: { account_id: ACCOUNT }, filter: {}, task_options: undefined })) messages.push(message);
      return messages;
    };
    const first = await collectAt(30_000 * 57 + 1);
    expect(cloudServicesById(first).get('syn-1-0')!['data'].synthetic.drift).toBe(57);
    expect(JSON.stringify(await collectAt(30_000 * 58 - 1))).toBe(JSON.stringify(first));
    expect(changesBetween(first, await collectAt(30_000 * 58)).size).toBe(2);
  });
});
