import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { CompiledAnalyze, QueryError, QueryScope, TypedFilters, compileAnalyze } from '@cloud-inventory/query';
import { CLOUD_SERVICE_KIND } from '../cloud-service/cloud-service.kind';
import { stateFilter } from '../cloud-service/cloud-service.service';

type Json = Record<string, unknown>;

/** What a metric's run needs of the metric row. */
export interface MetricDefinition {
  metric_id: string;
  domain_id: string;
  workspace_id: string;
  resource_group: string;
  metric_type: string;
  resource_type: string;
  query_options: Json;
  date_field: string;
  unit: string;
  namespace_id: string;
}

/** The group keys every metric's data carries first (Cloudforet's default group keys), under names no label takes. */
export const ID_GROUPS = [
  { key: 'workspace_id', name: '__workspace_id', column: 'workspace_id' },
  { key: 'project_id', name: '__project_id', column: 'project_id' },
  { key: 'collection_info.service_account_id', name: '__service_account_id', column: 'service_account_id' },
] as const;

export const VALUE_FIELD = 'value';

function wrongQueryOptions(reason: string): AppError {
  return new AppError(ErrorCode.WRONG_QUERY_OPTIONS, `Query options are wrong. (reason = ${reason})`);
}

/** `inventory.CloudService` or `inventory.CloudService:<provider>.<group>.<type>` → its filters. */
export function resourceTypeFilters(resourceType: string): TypedFilters {
  if (resourceType === 'inventory.CloudService') return {};
  const prefix = 'inventory.CloudService:';
  if (resourceType.startsWith(prefix)) {
    const parts = resourceType.slice(prefix.length).split('.');
    if (parts.length === 3 && parts.every((part) => part !== '')) {
      return { provider: parts[0], cloud_service_group: parts[1], cloud_service_type: parts[2] };
    }
  }
  throw wrongQueryOptions(
    `resource_type ${JSON.stringify(resourceType)} is not supported: inventory.CloudService or inventory.CloudService:<provider>.<group>.<type>`,
  );
}

function dayStart(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/**
 * A metric's query_options, as Cloudforet's analyze_resource builds them, compiled against the
 * cloud services: the id group keys first (duplicates of them dropped from group_by), the domain
 * (and the workspace of a WORKSPACE metric), the type of `inventory.CloudService:<p>.<g>.<t>`,
 * cloud services not DELETED unless the query filters on state, and for a COUNTER the day before
 * `date` on its date_field ([date − 1 day, date)). Every failure is ERROR_WRONG_QUERY_OPTIONS.
 */
export function compileMetricQuery(metric: MetricDefinition, date: string, queryOptions: Json = metric.query_options): CompiledAnalyze {
  if (!queryOptions || typeof queryOptions !== 'object' || Array.isArray(queryOptions)) throw wrongQueryOptions('query_options must be an object');
  const fields = queryOptions['fields'];
  if (!fields || typeof fields !== 'object' || !(VALUE_FIELD in (fields as Json))) throw wrongQueryOptions('fields.value is required');
  const userGroups = Array.isArray(queryOptions['group_by']) ? (queryOptions['group_by'] as unknown[]) : [];
  const idKeys = new Set<string>(ID_GROUPS.map((group) => group.key));
  const groupBy = [
    ...ID_GROUPS.map(({ key, name }) => ({ key, name })),
    ...userGroups.filter((item) => !(typeof item === 'string' ? idKeys.has(item) : idKeys.has(String((item as Json)?.['key'])))),
  ];
  const filter = Array.isArray(queryOptions['filter']) ? [...(queryOptions['filter'] as unknown[])] : [];
  if (metric.metric_type === 'COUNTER') {
    const dateField = metric.date_field || 'created_at';
    const end = dayStart(date);
    const start = new Date(end.getTime() - 86_400_000);
    filter.push({ k: dateField, v: start.toISOString(), o: 'datetime_gte' }, { k: dateField, v: end.toISOString(), o: 'datetime_lt' });
  }
  const query = { ...queryOptions, group_by: groupBy, filter, fields: { [VALUE_FIELD]: (fields as Json)[VALUE_FIELD] } };
  delete (query as Json)['page'];
  delete (query as Json)['sort'];
  const scope: QueryScope =
    metric.resource_group === 'WORKSPACE' ? { domain_id: metric.domain_id, workspace_id: metric.workspace_id } : { domain_id: metric.domain_id };
  const typed: TypedFilters = {
    ...resourceTypeFilters(metric.resource_type),
    state: stateFilter(undefined, query as { filter?: unknown[]; filter_or?: unknown[] }),
  };
  try {
    return compileAnalyze(CLOUD_SERVICE_KIND.querySchema, query, scope, typed);
  } catch (error) {
    if (error instanceof QueryError) throw wrongQueryOptions(error.message);
    throw error;
  }
}

/**
 * The one statement of a metric's run for a day: the day's previous values deleted and the new ones
 * inserted from the metric's query over cloud_service (INSERT … SELECT … GROUP BY), in one
 * set-based statement whatever the number of resources. Answers one row: `rows`, the values written.
 */
export function metricRunStatement(metric: MetricDefinition, date: string): { text: string; values: unknown[] } {
  const compiled = compileMetricQuery(metric, date);
  const values = [...compiled.rows.values];
  const param = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const aliasOf = (name: string) => compiled.columns.find((column) => column.path.join('.') === name)?.alias;
  const valueAlias = aliasOf(VALUE_FIELD);
  if (!valueAlias) throw wrongQueryOptions('fields.value is required');
  const ids = new Set<string>(ID_GROUPS.map((group) => group.name));
  const labels = compiled.columns
    .filter((column) => column.alias !== valueAlias && !ids.has(column.path.join('.')))
    .map((column) => `${param(column.path.join('.'), 'text')}, to_jsonb(a.${column.alias})`);
  const idColumn = (name: string) => {
    const alias = aliasOf(name);
    return alias ? `COALESCE(a.${alias}::text, '')` : `''`;
  };
  const domain = param(metric.domain_id, 'text');
  const metricId = param(metric.metric_id, 'text');
  const day = param(date, 'text');
  return {
    text: `WITH cleared AS (
  DELETE FROM metric_data WHERE domain_id = ${domain} AND metric_id = ${metricId} AND created_date = ${day}
), inserted AS (
INSERT INTO metric_data (metric_id, value, unit, labels, domain_id, workspace_id, project_id, service_account_id, namespace_id,
                         created_year, created_month, created_date)
SELECT ${metricId}, COALESCE((a.${valueAlias})::float8, 0), ${param(metric.unit, 'text')}, jsonb_build_object(${labels.join(', ')}),
       ${domain}, ${idColumn('__workspace_id')}, ${idColumn('__project_id')}, ${idColumn('__service_account_id')}, ${param(metric.namespace_id, 'text')},
       left(${day}, 4), left(${day}, 7), ${day}
FROM (${compiled.rows.text}) a
RETURNING 1
)
SELECT count(*)::int AS rows FROM inserted`,
    values,
  };
}
