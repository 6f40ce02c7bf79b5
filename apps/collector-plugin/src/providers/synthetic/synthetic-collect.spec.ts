import { status } from '@grpc/grpc-js';
import { AppError, statusOf } from '@cloud-inventory/grpc';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { SyntheticStreamStats, collectSynthetic } from './synthetic-collect';
import { parseSyntheticOptions } from './synthetic-options';

async function drain(rawOptions: Record<string, unknown>, stats?: SyntheticStreamStats) {
  const received: inventoryPlugin.ResourceInfo[] = [];
  try {
    for await (const message of collectSynthetic({ options: parseSyntheticOptions(rawOptions), account: 'acct' }, stats)) {
      received.push(message);
    }
    return { received, error: undefined };
  } catch (error) {
    return { received, error: error as AppError };
  }
}

describe('collectSynthetic', () => {
  it('completes with every message when fail_after is -1', async () => {
    const { received, error } = await drain({ count: 25 });
    expect(error).toBeUndefined();
    expect(received).toHaveLength(25 + 5 + 6);
  });

  it.each([0, 1, 7, 36])('fails with INTERNAL after exactly fail_after = %i messages', async (failAfter) => {
    const { received, error } = await drain({ count: 25, fail_after: failAfter });
    expect(received).toHaveLength(failAfter);
    expect(error).toBeInstanceOf(AppError);
    expect(statusOf(error!.code).grpc).toBe(status.INTERNAL);
    expect(error!.message).toBe(`synthetic failure after ${failAfter} resources`);
  });

  it('fails at the end when fail_after exceeds the stream', async () => {
    const { received, error } = await drain({ count: 5, include_types: false, fail_after: 1000 });
    expect(received).toHaveLength(5);
    expect(error!.message).toBe('synthetic failure after 5 resources');
  });

  it('counts what it produced and closes on return() (the cancel path)', async () => {
    const stats = { generated: 0, open: 0 };
    const stream = collectSynthetic({ options: parseSyntheticOptions({ count: 1_000_000 }), account: 'acct' }, stats);
    for (let i = 0; i < 3; i++) await stream.next();
    expect(stats).toEqual({ generated: 3, open: 1 });
    await stream.return(undefined);
    expect(stats).toEqual({ generated: 3, open: 0 });
    expect((await stream.next()).done).toBe(true);
  });

  describe('pacing', () => {
    // the generator's sleeps, counted (and still slept) on the module object it calls at run time
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself: an import would spy on a copy
    const timersPromises: typeof import('node:timers/promises') = require('node:timers/promises');
    let sleeps: jest.SpyInstance;
    beforeEach(() => {
      sleeps = jest.spyOn(timersPromises, 'setTimeout');
    });
    afterEach(() => sleeps.mockRestore());

    it('paces by delay_ms, batching small delays', async () => {
      const started = Date.now();
      const { received } = await drain({ count: 40, include_types: false, delay_ms: 2 });
      expect(received).toHaveLength(40);
      expect(Date.now() - started).toBeGreaterThanOrEqual(70);
      // ceil(20 / 2) = 10 messages per sleep of 10 × 2 ms
      expect(sleeps.mock.calls.map(([ms]) => ms)).toEqual([20, 20, 20, 20]);
    });

    it('sleeps once per message when delay_ms is 20 or more', async () => {
      await drain({ count: 3, include_types: false, delay_ms: 25 });
      expect(sleeps.mock.calls.map(([ms]) => ms)).toEqual([25, 25, 25]);
    });

    it('costs no timer at all with delay_ms 0', async () => {
      let macrotaskRan = false;
      const immediate = setImmediate(() => (macrotaskRan = true));
      const { received } = await drain({ count: 20_000, include_types: false });
      clearImmediate(immediate);
      expect(received).toHaveLength(20_000);
      expect(sleeps).not.toHaveBeenCalled();
      // the whole stream ran in microtasks: it never gave the event loop a turn
      expect(macrotaskRan).toBe(false);
    });

    /** When each message of the stream arrived, in ms after the first pull. */
    async function arrivals(rawOptions: Record<string, unknown>): Promise<number[]> {
      const started = Date.now();
      const times: number[] = [];
      for await (const message of collectSynthetic({ options: parseSyntheticOptions(rawOptions), account: 'acct' })) {
        expect(message).toBeDefined();
        times.push(Date.now() - started);
      }
      return times;
    }

    it('hang_before_first_ms: nothing at all for that long, then the whole stream', async () => {
      const times = await arrivals({ count: 3, include_types: false, hang_before_first_ms: 150 });
      expect(times).toHaveLength(3);
      expect(times[0]).toBeGreaterThanOrEqual(145);
      // one sleep, before the first message, that does not keep the process alive
      expect(sleeps.mock.calls).toEqual([[150, undefined, { ref: false }]]);
    });

    it('stall_after: the first N messages at once, nothing for stall_ms, then the rest', async () => {
      const times = await arrivals({ count: 5, include_types: false, stall_after: 2, stall_ms: 150 });
      expect(times).toHaveLength(5);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(145);
      expect(sleeps.mock.calls).toEqual([[150, undefined, { ref: false }]]);
    });

    it('a stream no longer than stall_after ends without stalling', async () => {
      expect(await arrivals({ count: 2, include_types: false, stall_after: 2, stall_ms: 3_600_000 })).toHaveLength(2);
      expect(sleeps).not.toHaveBeenCalled();
    });
  });
});
