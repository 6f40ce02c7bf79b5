import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppError, ErrorCode, valueToWire } from '@cloud-inventory/grpc';
import { runAnalyze } from '@cloud-inventory/query';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { manualMatchKeys } from '../cloud-service/match-rules';
import { labelsInfoOf } from '../cloud-service/metric-readers';
import { MetricEntity } from '../cloud-service/metric.entity';
import { METRIC_KIND, METRIC_TYPES } from '../cloud-service/metric.kind';
import { NamespaceEntity } from '../cloud-service/namespace.entity';
import { optionalText, requestTags, requiredText } from '../cloud-service/writer-scope';
import { generateId } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape, toQueryJson } from '../common/proto-shape';
import { DOMAIN_WORKSPACE, enumFilter, queryScope, rowScope } from '../common/query-scope';
import { RequestScope, workspaceForCreate } from '../common/request-scope';
import { ResourceQueries } from '../common/resource-queries';
import { withQueryErrors } from '../common/query-errors';
import { isoOrEmpty } from '../common/time';
import { compileMetricQuery } from './metric-query';
import { MetricRunner, utcDay } from './metric-runner';
import { managedFilter, requiredResourceGroup, storedQueryOptions } from './metric-shapes';
import { refuseManaged } from './namespace.service';

const INFO = 'spaceone.api.inventory.v1.MetricInfo';
const ANALYZE_QUERY = 'spaceone.api.core.v2.AnalyzeQuery';
const KIND = METRIC_KIND;

type Json = Record<string, unknown>;

/**
 * A metric row (a full row, or one narrowed by `only`) as MetricInfo: query_options are the JSON
 * the metric was given (its AnalyzeQuery as written), not every field of the message with its default.
 */
function shapedMetric(row: Json, complete: boolean): inventoryV1.MetricInfo {
  const shaped = toProtoShape(INFO, { ...row, query_options: {} }, complete);
  if (row['query_options'] !== undefined) shaped['query_options'] = row['query_options'];
  else delete shaped['query_options'];
  return shaped as unknown as inventoryV1.MetricInfo;
}

export function toMetricInfo(row: MetricEntity): inventoryV1.MetricInfo {
  return shapedMetric({ ...row, created_at: isoOrEmpty(row.created_at), updated_at: isoOrEmpty(row.updated_at) }, true);
}

const asWireValue = (condition: unknown) => {
  if (!condition || typeof condition !== 'object') return condition;
  const wire = { ...(condition as Json) };
  for (const key of ['value', 'v']) if (key in wire) wire[key] = valueToWire(wire[key]);
  return wire;
};

/**
 * MetricInfo for the gRPC encoder: a filter condition's `value` is a google.protobuf.Value, which
 * protobufjs takes only in its wire form ({string_value: …}) when it is a scalar; HTTP sends the JSON as is.
 */
export function metricInfoForGrpc(info: inventoryV1.MetricInfo): inventoryV1.MetricInfo {
  const options = info.query_options as unknown as Json | undefined;
  if (!options) return info;
  const wire: Json = { ...options };
  for (const key of ['filter', 'filter_or']) if (Array.isArray(wire[key])) wire[key] = (wire[key] as unknown[]).map(asWireValue);
  return { ...info, query_options: wire as unknown as inventoryV1.MetricInfo['query_options'] };
}

function requestQueryOptions(value: object | undefined): Json | undefined {
  if (value === undefined || value === null) return undefined;
  const json = toQueryJson(ANALYZE_QUERY, value) ?? {};
  const stored = Object.entries(json).filter(([, item]) => !(item === '' || item === null || (Array.isArray(item) && item.length === 0)));
  return stored.length === 0 ? undefined : storedQueryOptions(Object.fromEntries(stored));
}

/**
 * Cloudforet's Metric service. Metrics come from collects (managed, upserted by id and version in
 * ingest) or from this API (user-defined, as Cloudforet allows). A create or an update checks the
 * query (ERROR_WRONG_QUERY_OPTIONS) and runs the metric at once for today; an update of
 * query_options first drops the metric's data (old values were of another query); `run` runs it
 * now, `test` answers the query without writing. Managed metrics cannot be changed or deleted.
 */
@Injectable()
export class MetricService {
  private readonly queries: ResourceQueries;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: MetricRunner,
  ) {
    this.queries = new ResourceQueries(dataSource, KIND.querySchema);
  }

  private get repo() {
    return this.dataSource.getRepository(MetricEntity);
  }

  async create(request: inventoryV1.CreateMetricRequest, scope: RequestScope): Promise<inventoryV1.MetricInfo> {
    const resourceGroup = requiredResourceGroup(request.resource_group);
    // a workspace caller creates in its own workspace (never at domain level), as Cloudforet's injected params
    const { workspaceId } = workspaceForCreate(scope, resourceGroup, optionalText(request.workspace_id));
    if (!workspaceId) throw AppError.required('workspace_id');
    const name = requiredText(request.name, 'name');
    const metricType = enumFilter(request.metric_type);
    if (!metricType || !(METRIC_TYPES as readonly string[]).includes(metricType)) throw AppError.required('metric_type');
    const namespaceId = requiredText(request.namespace_id, 'namespace_id');
    const namespace = await this.dataSource.getRepository(NamespaceEntity).findOneBy({ ...rowScope(scope, { withDomainLevel: true }), namespace_id: namespaceId });
    if (!namespace) throw AppError.notFound('Namespace', 'namespace_id', namespaceId);
    const resourceType = optionalText(request.resource_type) ?? namespace.resource_type;
    const queryOptions = requestQueryOptions(request.query_options);
    if (!queryOptions) throw AppError.required('query_options');
    const id = optionalText(request.metric_id) ?? generateId(KIND.idPrefix);
    const row: Omit<MetricEntity, 'created_at' | 'updated_at'> = {
      metric_id: id,
      name,
      metric_type: metricType,
      resource_type: resourceType,
      query_options: queryOptions,
      date_field: optionalText(request.date_field) ?? (metricType === 'COUNTER' ? 'created_at' : ''),
      unit: optionalText(request.unit) ?? '',
      tags: requestTags(request.tags) ?? {},
      namespace_id: namespaceId,
      labels_info: labelsInfoOf(queryOptions),
      version: '',
      is_managed: false,
      resource_group: resourceGroup,
      updated_by: 'manual',
      created_by: 'manual',
      computed_date: '',
      domain_id: scope.domain_id,
      workspace_id: workspaceId,
      identity_key: manualMatchKeys({ metric_id: id }, KIND.manualMatchRules, { domain_id: scope.domain_id, workspace_id: DOMAIN_WORKSPACE }, id).identity,
      secondary_keys: [],
      content_hash: '',
    };
    // checked before anything is written: a query that does not compile is ERROR_WRONG_QUERY_OPTIONS
    compileMetricQuery(row, utcDay());
    const result = await this.repo.createQueryBuilder().insert().values(row as QueryDeepPartialEntity<MetricEntity>).orIgnore().returning('*').execute();
    const created = (result.raw as MetricEntity[])[0];
    if (!created) throw new AppError(ErrorCode.ALREADY_EXISTS, `Metric already exists. (metric_id = ${id})`);
    try {
      await this.runner.run(created);
    } catch (error) {
      // a query that compiles but fails on the data: the metric is not kept, as Cloudforet's create fails
      await this.deleteWithData(scope.domain_id, id);
      throw error;
    }
    return toMetricInfo(created);
  }

  async update(request: inventoryV1.UpdateMetricRequest, scope: RequestScope): Promise<inventoryV1.MetricInfo> {
    const id = requiredText(request.metric_id, 'metric_id');
    const current = await this.found(scope, id, true);
    refuseManaged(current, 'metric', id);
    const changes: Partial<MetricEntity> = {};
    const name = optionalText(request.name);
    if (name !== undefined) changes.name = name;
    const dateField = optionalText(request.date_field);
    if (dateField !== undefined) changes.date_field = dateField;
    const unit = optionalText(request.unit);
    if (unit !== undefined) changes.unit = unit;
    const tags = requestTags(request.tags);
    if (tags !== undefined) changes.tags = tags;
    const queryOptions = requestQueryOptions(request.query_options);
    if (queryOptions !== undefined) {
      changes.query_options = queryOptions;
      changes.labels_info = labelsInfoOf(queryOptions);
    }
    compileMetricQuery({ ...current, ...changes }, utcDay());
    const row = await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(MetricEntity)
        .set({ ...changes, updated_by: 'manual', updated_at: () => 'now()' } as QueryDeepPartialEntity<MetricEntity>)
        .where('domain_id = :domainId AND metric_id = :id AND NOT is_managed', { domainId: scope.domain_id, id })
        .returning('*')
        .execute();
      const updated = (result.raw as MetricEntity[])[0];
      if (!updated) throw AppError.notFound('Metric', 'metric_id', id);
      // values of the old query are not values of the new one (Cloudforet deletes them too)
      if (queryOptions !== undefined) await manager.query(`DELETE FROM metric_data WHERE domain_id = $1 AND metric_id = $2`, [scope.domain_id, id]);
      return updated;
    });
    await this.runner.run(row);
    return toMetricInfo(row);
  }

  async delete(request: inventoryV1.MetricRequest, scope: RequestScope): Promise<void> {
    const id = requiredText(request.metric_id, 'metric_id');
    refuseManaged(await this.found(scope, id, true), 'metric', id);
    if (!(await this.deleteWithData(scope.domain_id, id))) throw AppError.notFound('Metric', 'metric_id', id);
  }

  /** Runs the metric now, for today (managed ones too). */
  async run(request: inventoryV1.MetricRequest, scope: RequestScope): Promise<void> {
    const id = requiredText(request.metric_id, 'metric_id');
    await this.runner.run(await this.found(scope, id));
  }

  /** The metric's query (or the given query_options) answered now, without writing: {results, more: false}. */
  async test(request: inventoryV1.MetricTestRequest, scope: RequestScope): Promise<Struct> {
    const metric = await this.found(scope, requiredText(request.metric_id, 'metric_id'));
    const queryOptions = requestQueryOptions(request.query_options) ?? metric.query_options;
    const compiled = compileMetricQuery(metric, utcDay(), queryOptions);
    const result = await withQueryErrors(() => runAnalyze({ query: (text, values) => this.dataSource.query(text, values as unknown[]) }, compiled));
    return asStruct({ results: result.results, more: false });
  }

  async get(request: inventoryV1.MetricRequest, scope: RequestScope): Promise<inventoryV1.MetricInfo> {
    return toMetricInfo(await this.found(scope, requiredText(request.metric_id, 'metric_id')));
  }

  async list(request: inventoryV1.MetricQuery, scope: RequestScope): Promise<inventoryV1.MetricsInfo> {
    const { results, total_count } = await this.queries.search(request.query, queryScope(scope, request.workspace_id, true), {
      metric_id: request.metric_id,
      metric_type: enumFilter(request.metric_type),
      resource_type: request.resource_type,
      is_managed: managedFilter(request.is_managed),
      namespace_id: request.namespace_id,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => shapedMetric(row, complete)), total_count };
  }

  async stat(request: inventoryV1.MetricStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.queries.stat(request.query, queryScope(scope, undefined, true)));
  }

  /** The row the caller may reach: its workspace's and the domain-level ones to read, its workspace's to change. */
  private async found(scope: RequestScope, id: string, toChange = false): Promise<MetricEntity> {
    const row = await this.repo.findOneBy({ ...rowScope(scope, { withDomainLevel: !toChange }), metric_id: id });
    if (!row) throw AppError.notFound('Metric', 'metric_id', id);
    return row;
  }

  private deleteWithData(domainId: string, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM metric_data WHERE domain_id = $1 AND metric_id = $2`, [domainId, id]);
      const result = await manager.delete(MetricEntity, { domain_id: domainId, metric_id: id });
      return (result.affected ?? 0) > 0;
    });
  }
}
