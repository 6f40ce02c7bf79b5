import { Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { queryScope, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { CloudServiceState } from './cloud-service.entity';
import { toCloudServiceInfo } from './cloud-service.mapper';
import { CloudServiceRepository } from './cloud-service.repository';

const CLOUD_SERVICE_INFO = 'spaceone.api.inventory.v1.CloudServiceInfo';

/** What list, stat and analyze show when the caller does not ask about `state`: everything not DELETED. */
export const VISIBLE_STATES: readonly CloudServiceState[] = ['ACTIVE', 'DISCONNECTED'];

/** Whether a query's filter or filter_or has a condition on `state` (key or its alias k). */
export function filtersOnState(query: { filter?: readonly unknown[]; filter_or?: readonly unknown[] } | null | undefined): boolean {
  const conditions = [...(query?.filter ?? []), ...(query?.filter_or ?? [])];
  return conditions.some((condition) => {
    const c = condition as { key?: unknown; k?: unknown } | null;
    return !!c && (c.key === 'state' || c.k === 'state');
  });
}

/**
 * Cloudforet adds `state = ACTIVE` to list, stat and analyze unless the caller filters on state.
 * We also have DISCONNECTED (missed by the last collects, not yet deleted), which stays visible:
 * the default is `state IN (ACTIVE, DISCONNECTED)`, i.e. not DELETED, unless the request's `state`
 * or any condition of its filter/filter_or names `state`.
 */
export function stateFilter(explicitState: string | undefined, query: Parameters<typeof filtersOnState>[0]): string | readonly string[] | undefined {
  if (explicitState) return explicitState;
  return filtersOnState(query) ? undefined : VISIBLE_STATES;
}

@Injectable()
export class CloudServiceService {
  constructor(private readonly repository: CloudServiceRepository) {}

  async get(cloudServiceId: string, scope: RequestScope): Promise<inventoryV1.CloudServiceInfo> {
    if (!cloudServiceId) throw AppError.required('cloud_service_id');
    const row = await this.repository.findOne(rowScope(scope, { byProject: true }), cloudServiceId);
    if (!row) throw AppError.notFound('CloudService', 'cloud_service_id', cloudServiceId);
    return toCloudServiceInfo(row);
  }

  /** Cloudforet's CloudService.list: the query plus the request's own filters, in the caller's domain (and workspace). */
  async list(request: inventoryV1.CloudServiceQuery, scope: RequestScope): Promise<inventoryV1.CloudServicesInfo> {
    if (request.project_group_id) {
      throw AppError.invalid('project_group_id is not supported: this inventory has no project groups; filter on project_id.');
    }
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id), {
      cloud_service_id: request.cloud_service_id,
      name: request.name,
      state: stateFilter(request.state, request.query),
      ip_addresses: request.ip_address,
      account: request.account,
      instance_type: request.instance_type,
      cloud_service_type: request.cloud_service_type,
      cloud_service_group: request.cloud_service_group,
      provider: request.provider,
      region_code: request.region_code,
      project_id: request.project_id,
    });
    const complete = !narrowsFields(request.query);
    return {
      results: results.map((row) => toProtoShape(CLOUD_SERVICE_INFO, row, complete) as unknown as inventoryV1.CloudServiceInfo),
      total_count,
    };
  }

  async stat(request: inventoryV1.CloudServiceStatQuery, scope: RequestScope): Promise<Struct> {
    const state = stateFilter(undefined, request.query);
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined), { state }));
  }

  async analyze(request: inventoryV1.CloudServiceAnalyzeQuery, scope: RequestScope): Promise<Struct> {
    const state = stateFilter(undefined, request.query);
    return asStruct(await this.repository.analyze(request.query, queryScope(scope, undefined), { state }));
  }

  async delete(cloudServiceId: string, scope: RequestScope): Promise<void> {
    if (!cloudServiceId) throw AppError.required('cloud_service_id');
    if (!(await this.repository.markDeleted(rowScope(scope, { byProject: true }), cloudServiceId))) {
      throw AppError.notFound('CloudService', 'cloud_service_id', cloudServiceId);
    }
  }
}
