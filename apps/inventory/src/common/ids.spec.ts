import { generateBatchIds, generateId } from './ids';

const FORMAT = /^cloud-svc-[0-9a-f]{12}$/;

describe('ids', () => {
  it('generateId: Cloudforet format, prefix and 12 hex', () => {
    expect(generateId('job')).toMatch(/^job-[0-9a-f]{12}$/);
  });

  it('generateBatchIds: the format, distinct, ascending within a draw so the rows land together in the btree', () => {
    const ids = generateBatchIds('cloud-svc', 1000);
    expect(ids).toHaveLength(1000);
    for (const id of ids) expect(id).toMatch(FORMAT);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    // one random head for the batch
    expect(new Set(ids.map((id) => id.slice(0, -4))).size).toBe(1);
  });

  it('generateBatchIds: a new random head every 65,536 ids, never a repeated id', () => {
    const ids = generateBatchIds('cloud-svc', 0x10000 + 10);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [ids[0], ids[0xffff], ids[0x10000], ids[ids.length - 1]]) expect(id).toMatch(FORMAT);
    expect(ids[0xffff].slice(-4)).toBe('ffff');
    expect(ids[0x10000].slice(-4)).toBe('0000');
    expect(new Set(ids.map((id) => id.slice(0, -4))).size).toBe(2);
  });

  it('generateBatchIds: two batches draw different heads', () => {
    const heads = new Set(Array.from({ length: 100 }, () => generateBatchIds('x', 1)[0].slice(0, -4)));
    expect(heads.size).toBe(100);
  });

  it('generateBatchIds: none for none', () => {
    expect(generateBatchIds('x', 0)).toEqual([]);
  });
});
