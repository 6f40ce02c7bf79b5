import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@cloud-inventory/observability';
import { KIND_OF_TYPE, RESOURCE_TYPE_OF_KIND, ResourceKind } from '../cloud-service/resource-kinds';
import type { JobTaskError } from '../job-task/job-task.entity';

export type IngestOutcome = 'created' | 'updated' | 'unchanged' | 'failed';

const resourcesIngested = new Counter({
  name: 'inventory_resources_ingested_total',
  help: 'Resources of collects written (created, updated), found unchanged, or failed, by resource type; counted per committed batch.',
  labelNames: ['resource_type', 'outcome'] as const,
  registers: [metricsRegistry()],
});

export const batchWriteSeconds = new Histogram({
  name: 'inventory_ingest_batch_write_seconds',
  help: 'Time to write one batch of a collect to PostgreSQL (one transaction), by outcome (ok, error).',
  labelNames: ['outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry()],
});

/** A failure's resource type as a label: one of ours, else "other" (a plugin's string would be unbounded). */
function failureType(error: JobTaskError): string {
  const type = error.additional?.['resource_type'];
  return typeof type === 'string' && KIND_OF_TYPE.has(type) ? type : 'other';
}

/**
 * The counts of one batch, added up while it is written and recorded once it is committed (a
 * rolled-back batch counts nothing): one counter increment per type and outcome per batch.
 */
export class IngestTally {
  private readonly counts = new Map<string, number>();

  private add(resourceType: string, outcome: IngestOutcome, n: number): void {
    if (n <= 0) return;
    const key = `${resourceType}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  kind(kind: ResourceKind, counts: Partial<Record<IngestOutcome, number>>): void {
    for (const outcome of Object.keys(counts) as IngestOutcome[]) this.add(RESOURCE_TYPE_OF_KIND[kind], outcome, counts[outcome] ?? 0);
  }

  failures(errors: JobTaskError[]): void {
    for (const error of errors) this.add(failureType(error), 'failed', 1);
  }

  record(): void {
    for (const [key, n] of this.counts) {
      const [resource_type, outcome] = key.split('\u0000');
      resourcesIngested.inc({ resource_type, outcome }, n);
    }
  }
}
