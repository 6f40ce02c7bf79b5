import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { generateId } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { queryScope, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { CloudServiceEntity, CloudServiceState } from './cloud-service.entity';
import { CLOUD_SERVICE_KIND } from './cloud-service.kind';
import { toCloudServiceInfo } from './cloud-service.mapper';
import { CallerRows, CloudServiceChanges, CloudServiceRepository } from './cloud-service.repository';
import { manualMatchKeys } from './match-rules';
import { optionalText, requestObject, requestTags, requiredText, writerWorkspace } from './writer-scope';

const CLOUD_SERVICE_INFO = 'spaceone.api.inventory.v1.CloudServiceInfo';

function alreadyDeleted(id: string): AppError {
  return new AppError(ErrorCode.RESOURCE_ALREADY_DELETED, `The cloud service is already deleted. (cloud_service_id = ${id})`);
}

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

/** The bucket of tags and metadata an API update writes, as Cloudforet's (a collect never touches it). */
export const MANUAL_BUCKET = 'custom';

/** What a collect's usual match rules read of a cloud service (CLOUD_SERVICE_KIND.manualMatchRules). */
function matchedFields(row: Pick<CloudServiceEntity, 'provider' | 'cloud_service_type' | 'cloud_service_group' | 'account'> & { reference: unknown }) {
  return {
    reference: row.reference,
    provider: row.provider,
    cloud_service_type: row.cloud_service_type,
    cloud_service_group: row.cloud_service_group,
    account: row.account,
  };
}

function referenceOf(value: inventoryV1.CloudServiceReference | undefined | null): { resource_id: string; external_link: string } | undefined {
  if (!value) return undefined;
  return { resource_id: (value.resource_id ?? '').trim(), external_link: (value.external_link ?? '').trim() };
}

function ipAddressesOf(value: string[] | undefined): string[] | undefined {
  const list = (value ?? []).map((ip) => ip.trim()).filter((ip) => ip !== '');
  return list.length === 0 ? undefined : list;
}

/** The caller, for change records: its token's user (`aud`); empty for a system token. */
function userOf(scope: RequestScope): string {
  return scope.user_id ?? '';
}

/** The rows a caller may change: its domain, workspace and (a member) projects. */
function callerRows(scope: RequestScope): CallerRows {
  return { domain_id: scope.domain_id, workspace_id: scope.workspace_id, projects: scope.user_projects };
}

/** A workspace member writes into its own projects only (as it sees only theirs). */
function checkProject(scope: RequestScope, projectId: string | undefined): void {
  if (scope.user_projects && !scope.user_projects.includes(projectId ?? '')) {
    throw new AppError(ErrorCode.PERMISSION_DENIED, `A WORKSPACE_MEMBER can only write cloud services of its own projects. (project_id = ${projectId ?? ''})`);
  }
}

@Injectable()
export class CloudServiceService {
  constructor(private readonly repository: CloudServiceRepository) {}

  /**
   * Cloudforet's CloudService.create: a resource added by hand. Required: cloud_service_type,
   * cloud_service_group, provider and data. Tags and metadata go to the resource's provider bucket.
   * Its match keys are those the plugins' usual rules give (CLOUD_SERVICE_KIND.manualMatchRules), so
   * that a later collect of the same resource takes this row over instead of adding another; a live
   * resource with the same keys already there is ALREADY_EXISTS (Cloudforet would create a
   * duplicate that breaks the next collect with ERROR_TOO_MANY_MATCH). Recorded as a CREATE.
   */
  async create(request: inventoryV1.CreateServiceRequest, scope: RequestScope): Promise<inventoryV1.CloudServiceInfo> {
    const cloudServiceType = requiredText(request.cloud_service_type, 'cloud_service_type');
    const cloudServiceGroup = requiredText(request.cloud_service_group, 'cloud_service_group');
    const provider = requiredText(request.provider, 'provider');
    const data = requestObject(request.data, 'data');
    if (data === undefined) throw AppError.required('data');
    checkProject(scope, optionalText(request.project_id));
    const id = generateId(CLOUD_SERVICE_KIND.idPrefix);
    const workspaceId = writerWorkspace(scope);
    const reference = referenceOf(request.reference) ?? { resource_id: '', external_link: '' };
    const account = optionalText(request.account) ?? '';
    const keys = manualMatchKeys(
      matchedFields({ reference, provider, cloud_service_type: cloudServiceType, cloud_service_group: cloudServiceGroup, account }),
      CLOUD_SERVICE_KIND.manualMatchRules,
      { domain_id: scope.domain_id, workspace_id: workspaceId },
      id,
    );
    const row = await this.repository.insert(
      {
        cloud_service_id: id,
        name: optionalText(request.name) ?? '',
        account,
        instance_type: optionalText(request.instance_type) ?? '',
        instance_size: Number.isFinite(request.instance_size) ? request.instance_size : 0,
        ip_addresses: ipAddressesOf(request.ip_addresses) ?? [],
        cloud_service_type: cloudServiceType,
        cloud_service_group: cloudServiceGroup,
        provider,
        region_code: optionalText(request.region_code) ?? '',
        data,
        metadata: { [provider]: requestObject(request.metadata, 'metadata') ?? {} },
        reference,
        tags: { [provider]: requestTags(request.tags) ?? {} },
        project_id: optionalText(request.project_id) ?? '',
        domain_id: scope.domain_id,
        workspace_id: workspaceId,
        identity_key: keys.identity,
        secondary_keys: keys.secondary,
      },
      userOf(scope),
    );
    if (!row) throw await this.alreadyExists(keys.identity);
    return toCloudServiceInfo(row);
  }

  private async alreadyExists(identityKey: string): Promise<AppError> {
    const existing = await this.repository.findLiveByIdentity(identityKey);
    return new AppError(
      ErrorCode.ALREADY_EXISTS,
      `A cloud service with the same reference.resource_id, provider, cloud_service_type, cloud_service_group and account exists. (cloud_service_id = ${existing ?? 'unknown'})`,
    );
  }

  /**
   * Cloudforet's CloudService.update: the given fields replace the stored ones, data is merged
   * (top-level keys), tags and metadata replace the `custom` bucket (a collect writes only its
   * provider's, so what a user adds survives collects). A DELETED resource cannot change
   * (ERROR_RESOURCE_ALREADY_DELETED). A resource no collect has taken yet gets new match keys when
   * its reference or account change. Recorded as an UPDATE when a diffed key changed. The next
   * collect of the resource writes the plugin's values back, as Cloudforet's does; unlike
   * Cloudforet, collection_info is kept.
   */
  async update(request: inventoryV1.UpdateCloudServiceRequest, scope: RequestScope): Promise<inventoryV1.CloudServiceInfo> {
    const id = requiredText(request.cloud_service_id, 'cloud_service_id');
    if (optionalText(request.project_id) !== undefined) checkProject(scope, optionalText(request.project_id));
    const data = requestObject(request.data, 'data');
    const metadata = requestObject(request.metadata, 'metadata');
    const tags = requestTags(request.tags);
    const changesOf = (row: CloudServiceEntity): CloudServiceChanges => {
      const replace: CloudServiceChanges['replace'] = {
        name: optionalText(request.name),
        account: optionalText(request.account),
        instance_type: optionalText(request.instance_type),
        instance_size: request.instance_size ? request.instance_size : undefined,
        ip_addresses: ipAddressesOf(request.ip_addresses),
        reference: referenceOf(request.reference),
        region_code: optionalText(request.region_code),
        project_id: optionalText(request.project_id),
      };
      const changes: CloudServiceChanges = { replace, data, tags, metadata, bucket: MANUAL_BUCKET };
      if (!row.collector_id && (replace.reference || replace.account)) {
        const keys = manualMatchKeys(
          matchedFields({ ...row, reference: replace.reference ?? row.reference, account: replace.account ?? row.account }),
          CLOUD_SERVICE_KIND.manualMatchRules,
          { domain_id: row.domain_id, workspace_id: row.workspace_id },
          row.cloud_service_id,
        );
        changes.keys = { identity_key: keys.identity, secondary_keys: keys.secondary };
      }
      return changes;
    };
    const outcome = await this.repository.update(callerRows(scope), id, userOf(scope), changesOf);
    if ('missing' in outcome) throw AppError.notFound('CloudService', 'cloud_service_id', id);
    if ('deleted' in outcome) throw alreadyDeleted(id);
    if ('conflict' in outcome) {
      throw new AppError(ErrorCode.ALREADY_EXISTS, 'A live cloud service with the same reference.resource_id, provider, cloud_service_type, cloud_service_group and account exists.');
    }
    return toCloudServiceInfo(outcome.row);
  }

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

  /** Soft delete (state DELETED, deleted_at), recorded as a DELETE; deleting a DELETED resource is ERROR_RESOURCE_ALREADY_DELETED. */
  async delete(cloudServiceId: string, scope: RequestScope): Promise<void> {
    if (!cloudServiceId) throw AppError.required('cloud_service_id');
    const outcome = await this.repository.markDeleted(callerRows(scope), cloudServiceId, userOf(scope));
    if (outcome === 'missing') throw AppError.notFound('CloudService', 'cloud_service_id', cloudServiceId);
    if (outcome === 'already-deleted') throw alreadyDeleted(cloudServiceId);
  }
}
