import { Batch } from './batcher';
import { IngestItem } from './ingest-item';
import { CancellableStream, IngestAborted, StreamIdle, runIngestPipeline } from './ingest-pipeline';

/** Message n of a fake collect: a resource, or (every `failureEvery`-th) a plugin's failure. */
function itemOf(n: number, failureEvery = 0): IngestItem {
  if (failureEvery > 0 && n % failureEvery === failureEvery - 1) {
    return { kind: 'failure', error: { error_code: 'ERROR_PLUGIN', message: `m${n}`, additional: {} } };
  }
  return { kind: 'cloud_service', identity: `id-${n}`, secondary: [], batchKey: `id-${n}`, contentHash: 'h', row: { n }, source: Buffer.alloc(0) };
}

/**
 * A stream of `total` messages that yields as fast as it is read, counts what is pulled, and
 * behaves like grpc-js on cancel: the pending and every later read fail with CANCELLED.
 */
class FakeStream implements CancellableStream<number> {
  pulled = 0;
  cancelled = 0;
  private gate?: Promise<void>;
  private openGate?: () => void;

  constructor(
    private readonly total: number,
    private readonly options: { failAt?: number; pauseAt?: number } = {},
  ) {
    if (options.pauseAt !== undefined) this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  resume(): void {
    this.openGate?.();
  }

  cancel(): void {
    this.cancelled += 1;
    this.resume();
  }

  [Symbol.asyncIterator](): AsyncIterator<number> {
    return {
      next: async () => {
        if (this.pulled === this.options.pauseAt) await this.gate;
        if (this.cancelled > 0) throw Object.assign(new Error('1 CANCELLED: Cancelled on client'), { code: 1 });
        if (this.pulled === this.options.failAt) throw new Error('stream broke');
        if (this.pulled >= this.total) return { done: true, value: undefined };
        return { done: false, value: this.pulled++ };
      },
    };
  }
}

const written = (batches: Batch[]) => batches.flatMap((batch) => batch.resources.map((item) => item.row['n'] as number));
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};
/** Lets every pending promise and I/O callback run (a blocked pipeline then still pulls nothing). */
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('runIngestPipeline', () => {
  const options = { batchSize: 10, batchMaxWaitMs: 60_000, writers: 2 };

  it('pulls at most (writers + 1) × batch messages ahead of a slow writer, and reaches that bound', async () => {
    const stream = new FakeStream(1000);
    const batches: Batch[] = [];
    let done = 0;
    let mostAhead = 0;
    const toItem = (n: number) => {
      mostAhead = Math.max(mostAhead, stream.pulled - done);
      return itemOf(n);
    };
    const write = async (batch: Batch) => {
      batches.push(batch);
      await new Promise((resolve) => setTimeout(resolve, 2));
      done += batch.resources.length;
    };
    await runIngestPipeline(stream, toItem, write, new AbortController().signal, options);
    expect(mostAhead).toBe((options.writers + 1) * options.batchSize);
    expect(written(batches)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
  });

  it('stops reading while the writers are busy and one more batch is ready, and goes on when one is done', async () => {
    const stream = new FakeStream(1000);
    const releases: (() => void)[] = [];
    let holding = true;
    const write = () => (holding ? new Promise<void>((resolve) => releases.push(resolve)) : Promise.resolve());
    const running = runIngestPipeline(stream, itemOf, write, new AbortController().signal, options);
    await until(() => releases.length === options.writers);
    await turns(20);
    expect(stream.pulled).toBe(30);
    releases[0]();
    await until(() => releases.length === 3);
    await turns(20);
    expect(stream.pulled).toBe(40);
    stream.cancel();
    holding = false;
    releases.forEach((release) => release());
    await expect(running).rejects.toThrow('CANCELLED');
  });

  it('starts batches in stream order, with their failures, whatever order the writers finish in', async () => {
    const stream = new FakeStream(500);
    const batches: Batch[] = [];
    let seed = 7;
    const write = async (batch: Batch) => {
      batches.push(batch);
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      await new Promise((resolve) => setTimeout(resolve, seed % 7));
    };
    await runIngestPipeline(stream, (n) => itemOf(n, 5), write, new AbortController().signal, { batchSize: 7, batchMaxWaitMs: 60_000, writers: 3 });
    const all = Array.from({ length: 500 }, (_, n) => n);
    expect(written(batches)).toEqual(all.filter((n) => n % 5 !== 4));
    expect(batches.flatMap((batch) => batch.failures.map((failure) => failure.message))).toEqual(all.filter((n) => n % 5 === 4).map((n) => `m${n}`));
    expect(batches.every((batch) => batch.resources.length + batch.failures.length <= 7)).toBe(true);
  });

  it('writes the partial batch of a stream that goes quiet', async () => {
    const stream = new FakeStream(5, { pauseAt: 3 });
    const batches: Batch[] = [];
    const running = runIngestPipeline(stream, itemOf, async (batch) => void batches.push(batch), new AbortController().signal, {
      ...options,
      batchMaxWaitMs: 50,
    });
    await until(() => batches.length === 1);
    expect(written(batches)).toEqual([0, 1, 2]);
    stream.resume();
    await running;
    expect(written(batches)).toEqual([0, 1, 2, 3, 4]);
  });

  it('on abort mid-batch: cancels the stream, finishes the batches in flight, drops the partial one, and says why', async () => {
    const stream = new FakeStream(1000);
    const controller = new AbortController();
    const batches: Batch[] = [];
    let inFlight = 0;
    let finished = 0;
    const toItem = (n: number) => {
      if (n === 24) controller.abort('shutdown');
      return itemOf(n);
    };
    const write = async (batch: Batch) => {
      batches.push(batch);
      inFlight += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      finished += 1;
    };
    const stopped = await runIngestPipeline(stream, toItem, write, controller.signal, options).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(IngestAborted);
    expect((stopped as IngestAborted).reason).toBe('shutdown');
    expect(stream.cancelled).toBeGreaterThan(0);
    expect(stream.pulled).toBe(25);
    expect(written(batches)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect({ inFlight, finished }).toEqual({ inFlight: 0, finished: 2 });
  });

  it('on a write error: cancels the stream, starts no other batch, and reports the write error (not the cancellation)', async () => {
    const stream = new FakeStream(10_000);
    const failure = new Error('disk full');
    let failed = false;
    let startedAfterFailure = 0;
    let calls = 0;
    const write = async () => {
      if (failed) startedAfterFailure += 1;
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (calls === 3) {
        failed = true;
        throw failure;
      }
    };
    await expect(runIngestPipeline(stream, itemOf, write, new AbortController().signal, options)).rejects.toBe(failure);
    expect(stream.cancelled).toBeGreaterThan(0);
    expect(startedAfterFailure).toBe(0);
    expect(stream.pulled).toBeLessThan(100);
  });

  it('reports an error of the stream after everything it sent is written, the partial batch too (faults lose nothing)', async () => {
    const stream = new FakeStream(1000, { failAt: 15 });
    const batches: Batch[] = [];
    let finished = 0;
    const write = async (batch: Batch) => {
      batches.push(batch);
      await new Promise((resolve) => setTimeout(resolve, 10));
      finished += 1;
    };
    await expect(runIngestPipeline(stream, itemOf, write, new AbortController().signal, options)).rejects.toThrow('stream broke');
    expect(written(batches)).toEqual(Array.from({ length: 15 }, (_, n) => n));
    expect(finished).toBe(2);
  });

  it('cuts off a stream that sends nothing for the idle timeout (StreamIdle), after writing what it sent', async () => {
    const stream = new FakeStream(100, { pauseAt: 7 });
    const batches: Batch[] = [];
    const stopped = await runIngestPipeline(stream, itemOf, async (batch) => void batches.push(batch), new AbortController().signal, {
      ...options,
      idleTimeoutMs: 200,
    }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(StreamIdle);
    expect((stopped as StreamIdle).idleMs).toBe(200);
    expect(stream.cancelled).toBeGreaterThan(0);
    expect(written(batches)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('does not cut off a slow stream that keeps sending within the idle timeout', async () => {
    let pulled = 0;
    const slow: CancellableStream<number> = {
      cancel: () => undefined,
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          await new Promise((resolve) => setTimeout(resolve, 60));
          return pulled < 8 ? { done: false, value: pulled++ } : { done: true, value: undefined };
        },
      }),
    };
    const batches: Batch[] = [];
    await runIngestPipeline(slow, itemOf, async (batch) => void batches.push(batch), new AbortController().signal, { ...options, idleTimeoutMs: 200 });
    expect(written(batches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads nothing from a stream whose signal was aborted before it started', async () => {
    const stream = new FakeStream(10);
    const controller = new AbortController();
    controller.abort('canceled');
    const stopped = await runIngestPipeline(stream, itemOf, async () => undefined, controller.signal, options).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(IngestAborted);
    expect((stopped as IngestAborted).reason).toBe('canceled');
    expect(stream.pulled).toBe(0);
    expect(stream.cancelled).toBe(1);
  });
});
