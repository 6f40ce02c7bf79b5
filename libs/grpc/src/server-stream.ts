import { Observable } from 'rxjs';

/** The part of a grpc-js server stream call this helper needs. */
export interface WritableCall {
  writableNeedDrain?: boolean;
  once(event: 'drain' | 'cancelled', listener: () => void): unknown;
  removeListener(event: 'drain' | 'cancelled', listener: () => void): unknown;
}

/**
 * Turns an async iterable into the Observable a Nest @GrpcMethod returns for a server stream,
 * with backpressure: after each value it waits for the call to drain when the call's buffer is
 * full, so a slow client slows the producer instead of filling memory. Unsubscribing (Nest does
 * so when the client cancels) stops the iteration.
 */
export function streamWithBackpressure<T>(source: AsyncIterable<T>, call: WritableCall): Observable<T> {
  return new Observable<T>((subscriber) => {
    const iterator = source[Symbol.asyncIterator]();
    let stopped = false;
    let wakeUp: (() => void) | undefined;

    const waitForDrain = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          call.removeListener('drain', done);
          wakeUp = undefined;
          resolve();
        };
        wakeUp = done;
        call.once('drain', done);
      });

    (async () => {
      try {
        while (!stopped) {
          const next = await iterator.next();
          if (stopped) break;
          if (next.done) {
            subscriber.complete();
            return;
          }
          subscriber.next(next.value);
          if (call.writableNeedDrain) await waitForDrain();
        }
      } catch (error) {
        if (!stopped) subscriber.error(error);
      }
    })();

    return () => {
      stopped = true;
      wakeUp?.();
      void iterator.return?.();
    };
  });
}
