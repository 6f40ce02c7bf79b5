import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { generateId } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { queryScope, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { visibleState } from './expired-rows';
import { manualMatchKeys } from './match-rules';
import { REGION_KIND } from './region.kind';
import { toRegionInfo } from './region.mapper';
import { RegionChanges, RegionRepository } from './region.repository';
import { optionalText, requestTags, requiredText, writerWorkspace } from './writer-scope';

const INFO = 'spaceone.api.inventory.v1.RegionInfo';
const KIND = REGION_KIND;

/**
 * Cloudforet's Region service. Regions are stored per workspace and unique by provider and region
 * code; collects upsert them (ingest), the API writes them by hand (`updated_by = "manual"`). A
 * region created here is matched by a later collect: its identity is the one a plugin's usual rule
 * (provider, region_code) gives, and a collect under other rules takes it by that unique key.
 */
@Injectable()
export class RegionService {
  constructor(private readonly repository: RegionRepository) {}

  async create(request: inventoryV1.CreateRegionRequest, scope: RequestScope): Promise<inventoryV1.RegionInfo> {
    const name = requiredText(request.name, 'name');
    const regionCode = requiredText(request.region_code, 'region_code');
    const provider = requiredText(request.provider, 'provider');
    const workspaceId = writerWorkspace(scope);
    const id = generateId(KIND.idPrefix);
    const keys = manualMatchKeys({ provider, region_code: regionCode }, KIND.manualMatchRules, { domain_id: scope.domain_id, workspace_id: workspaceId }, id);
    const row = await this.repository.insert({
      region_id: id,
      name,
      region_code: regionCode,
      provider,
      tags: requestTags(request.tags) ?? {},
      updated_by: 'manual',
      domain_id: scope.domain_id,
      workspace_id: workspaceId,
      identity_key: keys.identity,
      secondary_keys: keys.secondary,
      content_hash: '',
    });
    if (!row) {
      throw new AppError(ErrorCode.ALREADY_EXISTS, `Region already exists in the workspace. (provider = ${provider}, region_code = ${regionCode})`);
    }
    return toRegionInfo(row);
  }

  /** Replaces the name and the tags when given (region_code and provider cannot change). */
  async update(request: inventoryV1.UpdateRegionRequest, scope: RequestScope): Promise<inventoryV1.RegionInfo> {
    const id = requiredText(request.region_id, 'region_id');
    const changes: RegionChanges = {};
    const name = optionalText(request.name);
    if (name !== undefined) changes.name = name;
    const tags = requestTags(request.tags);
    if (tags !== undefined) changes.tags = tags;
    const row = await this.repository.update(rowScope(scope), id, changes);
    if (!row) throw AppError.notFound('Region', 'region_id', id);
    return toRegionInfo(row);
  }

  async delete(request: inventoryV1.RegionRequest, scope: RequestScope): Promise<void> {
    const id = requiredText(request.region_id, 'region_id');
    if (!(await this.repository.delete(rowScope(scope), id))) throw AppError.notFound('Region', 'region_id', id);
  }

  async get(request: inventoryV1.RegionRequest, scope: RequestScope): Promise<inventoryV1.RegionInfo> {
    const id = requiredText(request.region_id, 'region_id');
    const row = await this.repository.findOne(rowScope(scope), id);
    if (!row) throw AppError.notFound('Region', 'region_id', id);
    return toRegionInfo(row);
  }

  /** Cloudforet's Region.list: the query plus the shortcut filters, in the caller's domain and workspace (no "*" rows appended). */
  async list(request: inventoryV1.RegionQuery, scope: RequestScope): Promise<inventoryV1.RegionsInfo> {
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id), {
      state: visibleState(request.query),
      region_id: request.region_id,
      name: request.name,
      region_key: request.region_key,
      region_code: request.region_code,
      provider: request.provider,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(INFO, row, complete) as unknown as inventoryV1.RegionInfo), total_count };
  }

  async stat(request: inventoryV1.RegionStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined), { state: visibleState(request.query) }));
  }
}
