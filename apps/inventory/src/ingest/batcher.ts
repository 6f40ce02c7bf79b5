import type { JobTaskError } from '../job-task/job-task.entity';
import { IngestItem, ResourceItem } from './ingest-item';

export interface Batch {
  resources: ResourceItem[];
  failures: JobTaskError[];
}

/**
 * Collects stream items into batches by count, by bytes (the resources' encoded size) and by age. A resource
 * whose identity (or natural key) is already in the batch closes the batch first, so that one statement never
 * has to write the same row twice.
 */
export class Batcher {
  private resources: ResourceItem[] = [];
  private failures: JobTaskError[] = [];
  private identities = new Set<string>();
  private startedAt = 0;
  private bytes = 0;

  constructor(
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.resources.length + this.failures.length;
  }

  /** Whether `item` must wait for the current batch to be taken first. */
  conflicts(item: IngestItem): boolean {
    return item.kind !== 'failure' && this.identities.has(`${item.kind}:${item.batchKey}`);
  }

  add(item: IngestItem, now = Date.now()): void {
    if (this.size === 0) this.startedAt = now;
    if (item.kind === 'failure') {
      this.failures.push(item.error);
    } else {
      this.resources.push(item);
      this.bytes += item.source.length;
      this.identities.add(`${item.kind}:${item.batchKey}`);
    }
  }

  isFull(now = Date.now()): boolean {
    return this.size >= this.maxSize || this.bytes >= this.maxBytes || (this.size > 0 && now - this.startedAt >= this.maxWaitMs);
  }

  take(): Batch {
    const batch = { resources: this.resources, failures: this.failures };
    this.resources = [];
    this.failures = [];
    this.identities = new Set();
    this.bytes = 0;
    return batch;
  }
}
