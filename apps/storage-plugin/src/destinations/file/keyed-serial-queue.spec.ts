import { KeyedSerialQueue } from './keyed-serial-queue';

/** A promise the test settles when it chooses: tasks wait on it instead of on the clock. */
function gate(): { promise: Promise<void>; open(): void; fail(error: Error): void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('KeyedSerialQueue', () => {
  it('runs tasks of one key one at a time, in order, and keys in parallel', async () => {
    const queue = new KeyedSerialQueue();
    const events: string[] = [];
    const task = (name: string, until: Promise<void> = Promise.resolve()) => async () => {
      events.push(`start ${name}`);
      await until;
      events.push(`end ${name}`);
      return name;
    };
    const holdA1 = gate();
    const a1 = queue.run('a', task('a1', holdA1.promise));
    const a2 = queue.run('a', task('a2'));
    const b1 = queue.run('b', task('b1'));
    // b runs to its end while a1 is held, and a2 waits behind a1
    expect(await b1).toBe('b1');
    expect(events).toContain('start a1');
    expect(events).not.toContain('end a1');
    expect(events).not.toContain('start a2');

    holdA1.open();
    expect(await Promise.all([a1, a2])).toEqual(['a1', 'a2']);
    expect(events.indexOf('start a2')).toBeGreaterThan(events.indexOf('end a1'));
  });

  it('keeps going after a failed task and drains what was queued', async () => {
    const queue = new KeyedSerialQueue();
    const holdFailure = gate();
    const failed = queue.run('a', () => holdFailure.promise);
    let ran = false;
    const after = queue.run('a', async () => {
      ran = true;
    });
    holdFailure.fail(new Error('boom'));
    await expect(failed).rejects.toThrow('boom');
    await queue.drain(['a', 'never-used']);
    expect(ran).toBe(true);
    await after;
  });
});
