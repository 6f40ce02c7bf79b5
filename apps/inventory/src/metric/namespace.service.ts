import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { manualMatchKeys } from '../cloud-service/match-rules';
import { NamespaceEntity } from '../cloud-service/namespace.entity';
import { NAMESPACE_CATEGORIES, NAMESPACE_KIND } from '../cloud-service/namespace.kind';
import { optionalText, requestTags, requiredText } from '../cloud-service/writer-scope';
import { generateId } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { DOMAIN_WORKSPACE, queryScope, rowScope } from '../common/query-scope';
import { RequestScope, workspaceForCreate } from '../common/request-scope';
import { ResourceQueries } from '../common/resource-queries';
import { isoOrEmpty } from '../common/time';
import { managedFilter, requiredResourceGroup } from './metric-shapes';

const INFO = 'spaceone.api.inventory.v1.NamespaceInfo';
const KIND = NAMESPACE_KIND;

export function toNamespaceInfo(row: NamespaceEntity): inventoryV1.NamespaceInfo {
  return {
    namespace_id: row.namespace_id,
    name: row.name,
    category: row.category,
    resource_type: row.resource_type,
    group: row.group,
    icon: row.icon,
    tags: row.tags ?? {},
    is_managed: row.is_managed,
    resource_group: row.resource_group as inventoryV1.NamespaceInfo_ResourceGroup,
    domain_id: row.domain_id,
    workspace_id: row.workspace_id,
    created_at: isoOrEmpty(row.created_at),
    updated_at: isoOrEmpty(row.updated_at),
  };
}

/** A managed row (sent by a plugin) cannot be changed or deleted by hand, as in Cloudforet. */
export function refuseManaged(row: { is_managed: boolean }, what: string, id: string): void {
  if (row.is_managed) throw new AppError(ErrorCode.PERMISSION_DENIED, `Permission denied: a managed ${what} cannot be changed. (${what}_id = ${id})`);
}

/**
 * Cloudforet's Namespace service. Namespaces come from collects (managed, domain level, upserted by
 * id and version in ingest) or from this API (`resource_group` DOMAIN → workspace "*", WORKSPACE →
 * the given workspace). Reads of a workspace also see the domain-level rows.
 */
@Injectable()
export class NamespaceService {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, KIND.querySchema);
  }

  private get repo() {
    return this.dataSource.getRepository(NamespaceEntity);
  }

  async create(request: inventoryV1.CreateNamespaceRequest, scope: RequestScope): Promise<inventoryV1.NamespaceInfo> {
    const resourceGroup = requiredResourceGroup(request.resource_group);
    // a workspace caller creates in its own workspace (never at domain level), as Cloudforet's injected params
    const { workspaceId } = workspaceForCreate(scope, resourceGroup, optionalText(request.workspace_id));
    if (!workspaceId) throw AppError.required('workspace_id');
    const name = requiredText(request.name, 'name');
    const category = requiredText(request.category, 'category');
    if (!(NAMESPACE_CATEGORIES as readonly string[]).includes(category)) {
      throw AppError.invalid(`Parameter is invalid. (key = category, allowed = ${NAMESPACE_CATEGORIES.join(' | ')})`);
    }
    const resourceType = requiredText(request.resource_type, 'resource_type');
    const id = optionalText(request.namespace_id) ?? generateId(KIND.idPrefix);
    const keys = manualMatchKeys({ namespace_id: id }, KIND.manualMatchRules, { domain_id: scope.domain_id, workspace_id: DOMAIN_WORKSPACE }, id);
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        namespace_id: id,
        name,
        category,
        resource_type: resourceType,
        group: optionalText(request.group) ?? 'etc',
        icon: optionalText(request.icon) ?? '',
        tags: requestTags(request.tags) ?? {},
        is_managed: false,
        resource_group: resourceGroup,
        updated_by: 'manual',
        created_by: 'manual',
        domain_id: scope.domain_id,
        workspace_id: workspaceId,
        identity_key: keys.identity,
        secondary_keys: [],
        content_hash: '',
      } as QueryDeepPartialEntity<NamespaceEntity>)
      .orIgnore()
      .returning('*')
      .execute();
    const row = (result.raw as NamespaceEntity[])[0];
    if (!row) throw new AppError(ErrorCode.ALREADY_EXISTS, `Namespace already exists. (namespace_id = ${id})`);
    return toNamespaceInfo(row);
  }

  async update(request: inventoryV1.UpdateNamespaceRequest, scope: RequestScope): Promise<inventoryV1.NamespaceInfo> {
    const id = requiredText(request.namespace_id, 'namespace_id');
    refuseManaged(await this.found(scope, id, true), 'namespace', id);
    const changes: Partial<NamespaceEntity> = {};
    const name = optionalText(request.name);
    if (name !== undefined) changes.name = name;
    const icon = optionalText(request.icon);
    if (icon !== undefined) changes.icon = icon;
    const tags = requestTags(request.tags);
    if (tags !== undefined) changes.tags = tags;
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ ...changes, updated_by: 'manual', updated_at: () => 'now()' } as QueryDeepPartialEntity<NamespaceEntity>)
      .where('domain_id = :domainId AND namespace_id = :id AND NOT is_managed', { domainId: scope.domain_id, id })
      .returning('*')
      .execute();
    const row = (result.raw as NamespaceEntity[])[0];
    if (!row) throw AppError.notFound('Namespace', 'namespace_id', id);
    return toNamespaceInfo(row);
  }

  async delete(request: inventoryV1.NamespaceRequest, scope: RequestScope): Promise<void> {
    const id = requiredText(request.namespace_id, 'namespace_id');
    refuseManaged(await this.found(scope, id, true), 'namespace', id);
    const result = await this.repo.delete({ domain_id: scope.domain_id, namespace_id: id, is_managed: false });
    if (!result.affected) throw AppError.notFound('Namespace', 'namespace_id', id);
  }

  async get(request: inventoryV1.NamespaceRequest, scope: RequestScope): Promise<inventoryV1.NamespaceInfo> {
    return toNamespaceInfo(await this.found(scope, requiredText(request.namespace_id, 'namespace_id')));
  }

  async list(request: inventoryV1.NamespaceQuery, scope: RequestScope): Promise<inventoryV1.NamespacesInfo> {
    const { results, total_count } = await this.queries.search(request.query, queryScope(scope, request.workspace_id, true), {
      namespace_id: request.namespace_id,
      category: request.category,
      resource_type: request.resource_type,
      group: request.group,
      is_managed: managedFilter(request.is_managed),
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(INFO, row, complete) as unknown as inventoryV1.NamespaceInfo), total_count };
  }

  async stat(request: inventoryV1.NamespaceStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.queries.stat(request.query, queryScope(scope, undefined, true)));
  }

  /** The row the caller may reach: its workspace's and the domain-level ones to read, its workspace's to change. */
  private async found(scope: RequestScope, id: string, toChange = false): Promise<NamespaceEntity> {
    const row = await this.repo.findOneBy({ ...rowScope(scope, { withDomainLevel: !toChange }), namespace_id: id });
    if (!row) throw AppError.notFound('Namespace', 'namespace_id', id);
    return row;
  }
}
