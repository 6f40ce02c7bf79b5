import { Metadata } from '@grpc/grpc-js';

/** Metadata key carrying the id that ties log lines across processes (a job task id, a request id). */
export const CORRELATION_ID_KEY = 'x-correlation-id';

export function correlationMetadata(correlationId: string): Metadata {
  const metadata = new Metadata();
  metadata.set(CORRELATION_ID_KEY, correlationId);
  // Cloudforet's plugins expect a token entry; they are called with none (never a real token).
  metadata.set('token', 'NO_TOKEN');
  return metadata;
}

export function correlationIdOf(metadata: Metadata | undefined): string | undefined {
  const value = metadata?.get(CORRELATION_ID_KEY)[0];
  return typeof value === 'string' ? value : undefined;
}
