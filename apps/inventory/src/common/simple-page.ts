import { AppError } from '@cloud-inventory/grpc';
import type { coreV2 } from '@cloud-inventory/proto';

export const PAGE_LIMIT_CAP = 1000;

/** query.page: `start` is 1-based as in Cloudforet; a missing or too large limit becomes the cap. */
export function pageOf(query: coreV2.Query | undefined): { skip: number; take: number } {
  const start = Math.max(1, query?.page?.start ?? 1);
  const limit = query?.page?.limit ?? 0;
  return { skip: start - 1, take: limit > 0 && limit <= PAGE_LIMIT_CAP ? limit : PAGE_LIMIT_CAP };
}

/** query.sort over the given sortable keys; other keys are INVALID_ARGUMENT. */
export function orderOf(
  query: coreV2.Query | undefined,
  sortable: readonly string[],
  fallback: Record<string, 'ASC' | 'DESC'>,
): Record<string, 'ASC' | 'DESC'> {
  const sort = query?.sort ?? [];
  if (sort.length === 0) return fallback;
  const order: Record<string, 'ASC' | 'DESC'> = {};
  for (const item of sort) {
    if (!sortable.includes(item.key)) {
      throw AppError.invalid(`query.sort: "${item.key}" is not a sortable key (${sortable.join(', ')}).`);
    }
    order[item.key] = item.desc ? 'DESC' : 'ASC';
  }
  return order;
}
