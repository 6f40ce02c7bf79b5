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
