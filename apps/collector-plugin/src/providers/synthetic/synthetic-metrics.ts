import { serviceProfileOf } from './synthetic-catalog';
import type { SyntheticMixEntry } from './synthetic-options';

/**
 * The inventory.Namespace and inventory.Metric resources of the synthetic source, shaped as a
 * plugin built on Cloudforet's collector SDK sends them: the SDK's pydantic models dumped whole
 * (unset optional fields as null), `match_rules` {} (the inventory upserts them by id and version,
 * not by match rules), one namespace per cloud service type with GAUGE metrics over that type, as
 * Cloudforet's Azure and AWS plugins ship them.
 */

/** SDK `Namespace` fields, in the model's order. */
export interface SyntheticNamespace {
  namespace_id: string;
  name: string;
  category: 'ASSET';
  resource_type: string;
  group: string;
  icon: string;
  tags: Record<string, never>;
  version: string;
}

/** SDK `Metric` fields, in the model's order; query_options is a core.v2 AnalyzeQuery as JSON. */
export interface SyntheticMetric {
  metric_id: string;
  name: string;
  metric_type: 'GAUGE';
  resource_type: string;
  query_options: Record<string, unknown>;
  date_field: null;
  unit: string;
  tags: Record<string, never>;
  namespace_id: string;
  version: string;
}

/** How many inventory.Metric resources the source sends per mix entry (metricsOf's length). */
export const METRICS_PER_MIX_ENTRY = 2;

/** The region label of every metric: grouped by region_code, resolved through inventory.Region. */
const REGION_GROUP = Object.freeze({
  key: 'region_code',
  name: 'Region',
  reference: Object.freeze({ resource_type: 'inventory.Region', reference_key: 'region_code' }),
});

/**
 * Lower-cased, every run of characters other than a-z and 0-9 replaced by "-": the id segment of a
 * provider, group or type ("EC2" → "ec2", "Compute Engine" → "compute-engine").
 */
function idSegment(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** "<provider>-<group>-<type>" in id form; the synthetic ids of a mix entry all start with it. */
export function metricIdStem(provider: string, entry: SyntheticMixEntry): string {
  return `${idSegment(provider)}-${idSegment(entry.cloud_service_group)}-${idSegment(entry.cloud_service_type)}`;
}

/** Cloudforet's per-type resource_type: exactly three dot-separated parts after the colon. */
export function cloudServiceResourceType(provider: string, entry: SyntheticMixEntry): string {
  return `inventory.CloudService:${provider}.${entry.cloud_service_group}.${entry.cloud_service_type}`;
}

export function namespaceOf(provider: string, entry: SyntheticMixEntry, version: string): SyntheticNamespace {
  const { category } = serviceProfileOf(entry.cloud_service_group, entry.cloud_service_type);
  return {
    namespace_id: `ns-${metricIdStem(provider, entry)}`,
    name: `${entry.cloud_service_group}/${entry.cloud_service_type}`,
    category: 'ASSET',
    resource_type: cloudServiceResourceType(provider, entry),
    group: provider,
    icon: `https://icons.synthetic.example/${category.toLowerCase()}.svg`,
    tags: {},
    version,
  };
}

/**
 * The metrics of one mix entry, over the CloudServices of its type:
 * - "<type> Count": how many, by region, account, instance_type and instance state;
 * - "<type> Running vCPU": the sum of data.hardware.core of the RUNNING ones, by region and
 *   account (drift stops some of them, so this value moves between time buckets).
 */
export function metricsOf(provider: string, entry: SyntheticMixEntry, version: string): SyntheticMetric[] {
  const stem = metricIdStem(provider, entry);
  const metric = (suffix: string, name: string, queryOptions: Record<string, unknown>, unit: string): SyntheticMetric => ({
    metric_id: `metric-${stem}-${suffix}`,
    name: `${entry.cloud_service_type} ${name}`,
    metric_type: 'GAUGE',
    resource_type: cloudServiceResourceType(provider, entry),
    query_options: queryOptions,
    date_field: null,
    unit,
    tags: {},
    namespace_id: `ns-${stem}`,
    version,
  });
  return [
    metric(
      'count',
      'Count',
      {
        group_by: [
          REGION_GROUP,
          { key: 'account', name: 'Account' },
          { key: 'instance_type', name: 'Instance Type' },
          { key: 'data.compute.instance_state', name: 'State', default: true },
        ],
        fields: { value: { operator: 'count' } },
      },
      'Count',
    ),
    metric(
      'running-vcpu',
      'Running vCPU',
      {
        filter: [{ key: 'data.compute.instance_state', value: 'RUNNING', operator: 'eq' }],
        group_by: [REGION_GROUP, { key: 'account', name: 'Account' }],
        fields: { value: { key: 'data.hardware.core', operator: 'sum' } },
      },
      'Core',
    ),
  ];
}
