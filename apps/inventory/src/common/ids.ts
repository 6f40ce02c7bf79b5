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
  cloudService: 'cloud-svc',
  cloudServiceType: 'cloud-svc-type',
  region: 'region',
} as const;
