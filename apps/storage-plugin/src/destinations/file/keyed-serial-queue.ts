/**
 * Runs tasks one at a time per key (a promise chain per key), different keys in parallel.
 * A failed task does not stop the ones queued after it. Keys whose chain has drained are forgotten.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every task queued so far under these keys has settled. */
  async drain(keys: Iterable<string>): Promise<void> {
    await Promise.all([...keys].map((key) => this.tails.get(key)));
  }
}
