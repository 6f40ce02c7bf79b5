import { filtersOnState } from './cloud-service.service';

/**
 * What CloudServiceType and Region list and stat show when the caller does not ask about `state`:
 * ACTIVE rows only. Cloudforet deletes types and regions no collect has seen for a while; we mark
 * them DELETED (retention/) and keep them, so that one seen again keeps its id, and hide them as
 * if they were gone. A filter on `state` shows them.
 */
export function visibleState(query: Parameters<typeof filtersOnState>[0]): 'ACTIVE' | undefined {
  return filtersOnState(query) ? undefined : 'ACTIVE';
}
