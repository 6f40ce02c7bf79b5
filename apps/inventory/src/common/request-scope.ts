import type { Metadata } from '@grpc/grpc-js';
import { AppError } from '@cloud-inventory/grpc';

/** Whose data a request may see and change: every read and write is filtered by it first. */
export interface RequestScope {
  domain_id: string;
}

const DOMAIN_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function checked(value: string): string {
  if (!DOMAIN_ID.test(value)) throw AppError.invalid('x-domain-id must be 1-64 characters of [A-Za-z0-9_.-].');
  return value;
}

/**
 * The caller's domain. Until token authentication lands it comes from the x_domain_id gRPC
 * metadata (Cloudforet's key for system callers) or the x-domain-id HTTP header, else the
 * configured default domain. Never from the request body.
 */
export function scopeFromMetadata(metadata: Metadata | undefined, defaultDomainId: string): RequestScope {
  const value = metadata?.get('x_domain_id')[0] ?? metadata?.get('x-domain-id')[0];
  return { domain_id: typeof value === 'string' && value ? checked(value) : defaultDomainId };
}

export function scopeFromHeaders(headers: Record<string, string | string[] | undefined>, defaultDomainId: string): RequestScope {
  const raw = headers['x-domain-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return { domain_id: value ? checked(value) : defaultDomainId };
}
