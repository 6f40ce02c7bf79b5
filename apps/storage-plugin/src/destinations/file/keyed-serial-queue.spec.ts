import { KeyedSerialQueue } from './keyed-serial-queue';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedSerialQueue', () => {
  it('runs tasks of one key one at a time, in order, and keys in parallel', async () => {
    const queue = new KeyedSerialQueue();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await tick(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([queue.run('a', task('a1', 20)), queue.run('a', task('a2', 1)), queue.run('b', task('b1', 1))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(events.indexOf('start a2')).toBeGreaterThan(events.indexOf('end a1'));
    expect(events.indexOf('end b1')).toBeLessThan(events.indexOf('end a1'));
  });

  it('keeps going after a failed task and drains what was queued', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.run('a', async () => {
      await tick(5);
      throw new Error('boom');
    });
    let ran = false;
    const after = queue.run('a', async () => {
      await tick(5);
      ran = true;
    });
    await expect(failed).rejects.toThrow('boom');
    await queue.drain(['a', 'never-used']);
    expect(ran).toBe(true);
    await after;
  });
});
