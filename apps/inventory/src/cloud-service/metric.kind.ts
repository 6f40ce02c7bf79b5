import { defineResourceKind } from './resource-kind';
import { fixed, labelsInfo, oneOf, queryOptions } from './metric-readers';
import { tags, text } from './resource-readers';

export const METRIC_TYPES = ['GAUGE', 'COUNTER'] as const;

/**
 * Metric, declared once. As Cloudforet's collect does: keyed by the plugin's metric_id in the
 * domain (match rules ignored), stored at domain level (workspace "*", resource_group DOMAIN,
 * is_managed), rewritten only when `version` changes; metric_type, resource_type and namespace_id
 * are fixed after create; labels_info is derived from query_options. Counted on the task.
 */
export const METRIC_KIND = defineResourceKind({
  kind: 'metric',
  resourceType: 'inventory.Metric',
  resource: 'Metric',
  table: 'metric',
  idColumn: 'metric_id',
  idPrefix: 'metric',
  softDelete: false,
  tracksCollection: false,
  countedOnTask: true,
  keepsHistory: false,
  byIdAndVersion: { versionField: 'version' },
  domainWide: true,
  manualMatchRules: [['metric_id']],
  columns: {
    name: { sql: 'text', read: text('name') },
    metric_type: { sql: 'text', read: oneOf('metric_type', METRIC_TYPES), insertOnly: true },
    resource_type: { sql: 'text', read: text('resource_type', { required: true }), insertOnly: true },
    query_options: { sql: 'jsonb', read: queryOptions('query_options') },
    date_field: { sql: 'text', read: text('date_field') },
    unit: { sql: 'text', read: text('unit') },
    tags: { sql: 'jsonb', read: tags() },
    namespace_id: { sql: 'text', read: text('namespace_id'), insertOnly: true },
    labels_info: { sql: 'jsonb', read: labelsInfo('query_options'), query: { type: 'jsonb-array' } },
    version: { sql: 'text', read: text('version'), query: false },
    is_managed: { sql: 'boolean', read: fixed(true) },
    resource_group: { sql: 'text', read: fixed('DOMAIN') },
    updated_by: { sql: 'text', query: false },
    created_by: { sql: 'text', query: false },
    /** The last UTC day the daily run took this metric (claimed atomically, so one replica runs it). */
    computed_date: { sql: 'text', query: false },
  },
  query: {
    keywordFields: ['metric_id', 'name'],
    defaultSort: [{ key: 'namespace_id' }, { key: 'name' }],
    minimalFields: ['metric_id', 'name', 'metric_type', 'resource_type', 'namespace_id'],
  },
});
