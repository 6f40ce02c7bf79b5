import { defineResourceSchema } from '@cloud-inventory/query';

/**
 * Collector as the query language sees it: the API keys of CollectorInfo over the collector table.
 * `plugin_info`, `schedule`, `secret_filter`, `capability` and `tags` are JSON, so `plugin_info.version`,
 * `schedule.state` or `secret_filter.state` are sub-paths; `plugin_info.plugin_id` reads the indexed
 * plugin_id column. Cloudforet's change_query_keys (`plugin_id`, `secret_filter_state`,
 * `schedule_state`) are aliases. Ordering `name`; keyword on collector_id, name, provider.
 */
export const COLLECTOR_QUERY_SCHEMA = defineResourceSchema({
  resource: 'Collector',
  table: 'collector',
  idKey: 'collector_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id' },
  fields: {
    collector_id: 'text',
    name: 'text',
    provider: 'text',
    capability: 'jsonb-object',
    secret_filter: 'jsonb-object',
    plugin_info: 'jsonb-object',
    'plugin_info.plugin_id': { type: 'text', column: 'plugin_id', inResults: false },
    schedule: 'jsonb-object',
    tags: 'jsonb-object',
    resource_group: 'text',
    domain_id: 'text',
    workspace_id: 'text',
    created_at: 'timestamptz',
    last_collected_at: 'timestamptz',
    'schedule_status.next_run_at': { type: 'timestamptz', column: 'schedule_next_run_at' },
    'schedule_status.last_run_at': { type: 'timestamptz', column: 'schedule_last_run_at' },
    'schedule_status.last_job_id': { type: 'text', column: 'schedule_last_job_id' },
    'schedule_status.skipped_count': { type: 'int', column: 'schedule_skipped_count' },
    'schedule_status.last_skipped_at': { type: 'timestamptz', column: 'schedule_last_skipped_at' },
    'schedule_status.last_error': { type: 'text', column: 'schedule_last_error' },
    job_timeout: 'int',
    max_running_tasks: 'int',
    // Cloudforet's change_query_keys
    plugin_id: { type: 'text', column: 'plugin_id', inResults: false },
    secret_filter_state: { type: 'text', sql: "secret_filter->>'state'", inResults: false },
    schedule_state: { type: 'text', sql: "schedule->>'state'", inResults: false },
  },
  keywordFields: ['collector_id', 'name', 'provider'],
  defaultSort: [{ key: 'name' }],
  minimalFields: ['collector_id', 'name', 'provider', 'capability', 'plugin_info', 'resource_group', 'workspace_id', 'last_collected_at'],
});
