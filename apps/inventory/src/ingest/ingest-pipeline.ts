import { Batch, Batcher } from './batcher';
import { IngestItem } from './ingest-item';

/** A stream a collect reads: iterated with backpressure, cancelled from outside (grpc-js's ClientReadableStream). */
export interface CancellableStream<T> extends AsyncIterable<T> {
  cancel(): void;
}

export interface IngestPipelineOptions {
  /** Items per batch (INGEST_BATCH_SIZE). */
  batchSize: number;
  /** A batch is written once its first item is this old, even if not full (INGEST_BATCH_MAX_WAIT_MS). */
  batchMaxWaitMs: number;
  /** Batches written at once (INGEST_WRITERS). */
  writers: number;
  /** A batch is written once its resources' encoded bytes reach this (INGEST_BATCH_MAX_BYTES). */
  batchMaxBytes?: number;
  /** A stream that sends nothing for this long is cancelled and StreamIdle thrown (COLLECT_IDLE_TIMEOUT_SECONDS; 0: never). */
  idleTimeoutMs?: number;
}

/** The stream sent nothing for `idleMs`: it was cancelled. */
export class StreamIdle extends Error {
  constructor(readonly idleMs: number) {
    super(`the stream sent nothing for ${idleMs / 1000} s`);
  }
}

/** The pipeline stopped because its signal was aborted; `reason` is the signal's. */
export class IngestAborted extends Error {
  constructor(readonly reason: unknown) {
    super(`ingest stopped: ${String(reason)}`);
  }
}

/**
 * Reads a stream into batches and writes them, `writers` at a time: reading goes on while batches
 * are written, and waits when one more batch is ready, so memory holds at most writers + 1
 * batches and the stream's own flow control holds its source back. Batches start in stream order.
 * A stream that goes quiet still gets its partial batch written (idle flush); one that sends
 * nothing for `idleTimeoutMs` is cancelled (StreamIdle).
 *
 * Ends when the stream has ended and every batch is written. A stream that fails (its error, its
 * deadline, StreamIdle) loses nothing it sent: the partial batch is written too, then the error is
 * thrown. A write error cancels the stream, lets the batches in flight finish, and is thrown (not
 * the cancellation it caused). An aborted `signal` cancels the stream, drops the partial batch (the
 * task is no longer ours to write), lets the batches in flight finish, and throws IngestAborted.
 */
export async function runIngestPipeline<T>(
  stream: CancellableStream<T>,
  toItem: (message: T) => IngestItem,
  write: (batch: Batch) => Promise<void>,
  signal: AbortSignal,
  options: IngestPipelineOptions,
): Promise<void> {
  const batcher = new Batcher(options.batchSize, options.batchMaxWaitMs, options.batchMaxBytes);
  const inFlight = new Set<Promise<void>>();
  let writeError: { error: unknown } | undefined;
  const settled = () => Promise.all(inFlight).then(() => undefined);
  const flush = async (): Promise<void> => {
    const batch = batcher.take();
    if (batch.resources.length === 0 && batch.failures.length === 0) return;
    while (inFlight.size >= options.writers) await Promise.race(inFlight);
    if (writeError) return;
    const writing = (async () => {
      try {
        await write(batch);
      } catch (error) {
        writeError ??= { error };
        stream.cancel();
      }
    })();
    inFlight.add(writing);
    void writing.finally(() => inFlight.delete(writing));
  };
  if (signal.aborted) {
    stream.cancel();
    throw new IngestAborted(signal.reason);
  }
  const onAbort = () => stream.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  const idleFlush = setInterval(
    () => {
      if (batcher.isFull()) void flush();
    },
    Math.max(50, Math.floor(options.batchMaxWaitMs / 2)),
  );
  // the idle timer: restarted by every message, it cancels a stream that went silent
  let idle: StreamIdle | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleTimeoutMs = options.idleTimeoutMs ?? 0;
  const restartIdleTimer = () => {
    if (idleTimeoutMs <= 0) return;
    // once per message: refresh() re-arms the one timer instead of making a new one
    if (idleTimer) idleTimer.refresh();
    else
      idleTimer = setTimeout(() => {
        idle = new StreamIdle(idleTimeoutMs);
        stream.cancel();
      }, idleTimeoutMs);
  };
  let streamError: { error: unknown } | undefined;
  try {
    try {
      restartIdleTimer();
      for await (const message of stream) {
        restartIdleTimer();
        if (writeError) break;
        const item = toItem(message);
        if (batcher.conflicts(item)) await flush();
        batcher.add(item);
        if (batcher.isFull()) await flush();
      }
    } catch (error) {
      // a write failure or an abort cancels the stream: report that, not the cancellation
      if (!writeError && !signal.aborted) streamError = { error: idle ?? error };
    } finally {
      clearTimeout(idleTimer);
    }
    // what the stream sent before it ended (or failed) is written
    if (!writeError && !signal.aborted) await flush();
    await settled();
    if (signal.aborted) throw new IngestAborted(signal.reason);
    if (writeError) throw writeError.error;
    if (streamError) throw streamError.error;
  } catch (error) {
    stream.cancel();
    await settled();
    throw error;
  } finally {
    clearInterval(idleFlush);
    signal.removeEventListener('abort', onAbort);
  }
}
