import { randomBytes } from 'node:crypto';

/** Cloudforet's id format: `<prefix>-<12 hex>`, e.g. job-3b124006c2d2. */
export function generateId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export const ID_PREFIX = {
  collector: 'collector',
  secret: 'secret',
  job: 'job',
  jobTask: 'job-task',
  // resource kinds declare their own (cloud-service/*.kind.ts)
} as const;

/** Ids drawn together share 32 random bits; a 16-bit counter tells them apart (65,536 per draw). */
const IDS_PER_DRAW = 0x10000;

/**
 * `count` ids of Cloudforet's format for rows written together (one ingest batch): runs of
 * consecutive ids after one random 32-bit part, so a batch's new rows go to one or two leaf
 * pages of the primary key's btree instead of one page each (fewer pages dirtied, fewer full-page
 * images in the WAL). Still 48 bits per id; two batches collide only when they draw the same
 * 32 bits, about as rarely as random ids do, and the writer draws again on a collision.
 */
export function generateBatchIds(prefix: string, count: number): string[] {
  const ids = new Array<string>(count);
  for (let start = 0; start < count; start += IDS_PER_DRAW) {
    const head = `${prefix}-${randomBytes(4).toString('hex')}`;
    const end = Math.min(count, start + IDS_PER_DRAW);
    for (let i = start; i < end; i++) ids[i] = head + (i - start).toString(16).padStart(4, '0');
  }
  return ids;
}
