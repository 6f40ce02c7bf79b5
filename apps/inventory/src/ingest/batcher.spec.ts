import { Batcher } from './batcher';
import { IngestItem } from './ingest-item';

const resource = (identity: string): IngestItem => ({ kind: 'cloud_service', identity, secondary: [], batchKey: identity, contentHash: 'h', row: {}, source: Buffer.alloc(0) });
const failure: IngestItem = { kind: 'failure', error: { error_code: 'E', message: 'm', additional: {} } };

describe('Batcher', () => {
  it('is full at its size, counting failures too', () => {
    const batcher = new Batcher(3, 10_000);
    batcher.add(resource('a'), 0);
    batcher.add(failure, 0);
    expect(batcher.isFull(0)).toBe(false);
    batcher.add(resource('b'), 0);
    expect(batcher.isFull(0)).toBe(true);
    expect(batcher.take()).toMatchObject({ resources: [{ identity: 'a' }, { identity: 'b' }], failures: [failure.kind === 'failure' && failure.error] });
    expect(batcher.size).toBe(0);
  });

  it('is full when its first item is older than the wait, and never when empty', () => {
    const batcher = new Batcher(1000, 500);
    expect(batcher.isFull(10_000)).toBe(false);
    batcher.add(resource('a'), 1000);
    expect(batcher.isFull(1499)).toBe(false);
    expect(batcher.isFull(1500)).toBe(true);
  });

  it('reports an identity already in the batch, so the same row is never written twice in one statement', () => {
    const batcher = new Batcher(1000, 500);
    batcher.add(resource('a'));
    expect(batcher.conflicts(resource('a'))).toBe(true);
    expect(batcher.conflicts(resource('b'))).toBe(false);
    expect(batcher.conflicts({ ...resource('a'), kind: 'region' } as IngestItem)).toBe(false);
    batcher.take();
    expect(batcher.conflicts(resource('a'))).toBe(false);
  });

  it('is full once its resources reach the byte bound, and counts from zero again after a take', () => {
    const sized = (identity: string, bytes: number): IngestItem => ({ ...(resource(identity) as object), source: Buffer.alloc(bytes) }) as IngestItem;
    const batcher = new Batcher(1000, 10_000, 1000);
    batcher.add(sized('a', 600), 0);
    expect(batcher.isFull(0)).toBe(false);
    batcher.add(sized('b', 400), 0);
    expect(batcher.isFull(0)).toBe(true);
    batcher.take();
    batcher.add(sized('c', 999), 0);
    expect(batcher.isFull(0)).toBe(false);
  });
});
