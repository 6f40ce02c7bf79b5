import { defineResourceSchema } from '@cloud-inventory/query';

/** MetricData in the query language (list, stat, analyze): its columns as Cloudforet names them. */
export const METRIC_DATA_SCHEMA = defineResourceSchema({
  resource: 'MetricData',
  table: 'metric_data',
  idKey: 'metric_data_id',
  // a workspace member sees the values of its projects only
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id', projectColumn: 'project_id' },
  fields: {
    metric_data_id: { type: 'text', sql: 'metric_data_id::text', inResults: false },
    metric_id: 'text',
    value: 'float',
    unit: 'text',
    labels: 'jsonb-object',
    domain_id: 'text',
    workspace_id: 'text',
    project_id: 'text',
    service_account_id: 'text',
    namespace_id: 'text',
    created_year: 'text',
    created_month: 'text',
    created_date: 'text',
  },
  keywordFields: ['metric_id'],
  defaultSort: [{ key: 'created_date', desc: true }],
  minimalFields: ['metric_id', 'value', 'labels', 'created_date'],
});
