import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { generateId } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { queryScope, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { visibleState } from './expired-rows';
import { CloudServiceTypeChanges, CloudServiceTypeRepository } from './cloud-service-type.repository';
import { CLOUD_SERVICE_TYPE_KIND } from './cloud-service-type.kind';
import { toCloudServiceTypeInfo } from './cloud-service-type.mapper';
import { manualMatchKeys } from './match-rules';
import { optionalText, requestObject, requestTags, requiredText, writerWorkspace } from './writer-scope';

const INFO = 'spaceone.api.inventory.v1.CloudServiceTypeInfo';
const KIND = CLOUD_SERVICE_TYPE_KIND;

function labelsOf(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw AppError.invalid('Parameter type is invalid. (key = labels, type = list)');
  return value;
}

/**
 * Cloudforet's CloudServiceType service. Types are stored per workspace and unique by provider,
 * group and name; collects upsert them (ingest), the API writes them by hand (`updated_by =
 * "manual"`). A type created here is matched by a later collect: its identity is the one a plugin's
 * usual rule (name, group, provider) gives, and a collect under other rules takes it by that unique key.
 */
@Injectable()
export class CloudServiceTypeService {
  constructor(private readonly repository: CloudServiceTypeRepository) {}

  async create(request: inventoryV1.CreateCloudServiceTypeRequest, scope: RequestScope): Promise<inventoryV1.CloudServiceTypeInfo> {
    const name = requiredText(request.name, 'name');
    const group = requiredText(request.group, 'group');
    const provider = requiredText(request.provider, 'provider');
    const workspaceId = writerWorkspace(scope);
    const id = generateId(KIND.idPrefix);
    const keys = manualMatchKeys({ name, group, provider }, KIND.manualMatchRules, { domain_id: scope.domain_id, workspace_id: workspaceId }, id);
    const row = await this.repository.insert({
      cloud_service_type_id: id,
      name,
      group,
      provider,
      service_code: optionalText(request.service_code) ?? '',
      is_primary: request.is_primary === true,
      is_major: request.is_major === true,
      resource_type: optionalText(request.resource_type) ?? 'inventory.CloudService',
      metadata: requestObject(request.metadata, 'metadata') ?? {},
      labels: labelsOf(request.labels) ?? [],
      tags: requestTags(request.tags) ?? {},
      updated_by: 'manual',
      domain_id: scope.domain_id,
      workspace_id: workspaceId,
      identity_key: keys.identity,
      secondary_keys: keys.secondary,
      content_hash: '',
    });
    if (!row) {
      throw new AppError(
        ErrorCode.ALREADY_EXISTS,
        `CloudServiceType already exists in the workspace. (provider = ${provider}, group = ${group}, name = ${name})`,
      );
    }
    return toCloudServiceTypeInfo(row);
  }

  /** Replaces each given field whole (name, group and provider cannot change). */
  async update(request: inventoryV1.UpdateCloudServiceTypeRequest, scope: RequestScope): Promise<inventoryV1.CloudServiceTypeInfo> {
    const id = requiredText(request.cloud_service_type_id, 'cloud_service_type_id');
    const changes: CloudServiceTypeChanges = {};
    const serviceCode = optionalText(request.service_code);
    if (serviceCode !== undefined) changes.service_code = serviceCode;
    if (request.is_primary !== undefined) changes.is_primary = request.is_primary;
    if (request.is_major !== undefined) changes.is_major = request.is_major;
    const resourceType = optionalText(request.resource_type);
    if (resourceType !== undefined) changes.resource_type = resourceType;
    const metadata = requestObject(request.metadata, 'metadata');
    if (metadata !== undefined) changes.metadata = metadata;
    const labels = labelsOf(request.labels);
    if (labels !== undefined) changes.labels = labels;
    const tags = requestTags(request.tags);
    if (tags !== undefined) changes.tags = tags;
    const row = await this.repository.update(rowScope(scope), id, changes);
    if (!row) throw AppError.notFound('CloudServiceType', 'cloud_service_type_id', id);
    return toCloudServiceTypeInfo(row);
  }

  async delete(request: inventoryV1.CloudServiceTypeRequest, scope: RequestScope): Promise<void> {
    const id = requiredText(request.cloud_service_type_id, 'cloud_service_type_id');
    if (!(await this.repository.delete(rowScope(scope), id))) throw AppError.notFound('CloudServiceType', 'cloud_service_type_id', id);
  }

  async get(request: inventoryV1.CloudServiceTypeRequest, scope: RequestScope): Promise<inventoryV1.CloudServiceTypeInfo> {
    const id = requiredText(request.cloud_service_type_id, 'cloud_service_type_id');
    const row = await this.repository.findOne(rowScope(scope), id);
    if (!row) throw AppError.notFound('CloudServiceType', 'cloud_service_type_id', id);
    return toCloudServiceTypeInfo(row);
  }

  /**
   * Cloudforet's CloudServiceType.list: the query plus the request's shortcut filters, in the
   * caller's domain and workspace. A workspace sees its own types only (no domain-level "*" rows
   * appended, unlike collectors).
   */
  async list(request: inventoryV1.CloudServiceTypeQuery, scope: RequestScope): Promise<inventoryV1.CloudServiceTypesInfo> {
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id), {
      state: visibleState(request.query),
      cloud_service_type_id: request.cloud_service_type_id,
      name: request.name,
      provider: request.provider,
      group: request.group,
      cloud_service_type_key: request.cloud_service_type_key,
      service_code: request.service_code,
      is_primary: request.is_primary,
      is_major: request.is_major,
      resource_type: request.resource_type,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(INFO, row, complete) as unknown as inventoryV1.CloudServiceTypeInfo), total_count };
  }

  async stat(request: inventoryV1.CloudServiceTypeStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined), { state: visibleState(request.query) }));
  }
}
