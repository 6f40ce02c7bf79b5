import { defineResourceSchema } from '@cloud-inventory/query';

/**
 * CloudService as the query language sees it: the API keys of CloudServiceInfo over the
 * cloud_service table. `collection_info.*` are columns of their own; `reference` is JSON with
 * `reference.resource_id` / `reference.external_link` as text expressions (index-friendly, and the
 * keyword field); `data`, `metadata`, `tags` take any sub-path; `tag_keys` is computed as
 * CloudServiceInfo shows it (`{provider: [tag keys]}`). The collect bookkeeping (identity_key,
 * secondary_keys, content_hash, disconnected_count) is not a field: it can be neither asked nor returned.
 * Cloudforet declares no ordering for cloud services: ours is `created_at`, then the id.
 */
export const CLOUD_SERVICE_QUERY_SCHEMA = defineResourceSchema({
  resource: 'CloudService',
  table: 'cloud_service',
  idKey: 'cloud_service_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id' },
  fields: {
    cloud_service_id: 'text',
    name: 'text',
    state: 'text',
    ip_addresses: 'jsonb-array',
    account: 'text',
    instance_type: 'text',
    instance_size: 'float',
    cloud_service_type: 'text',
    cloud_service_group: 'text',
    provider: 'text',
    data: 'jsonb-object',
    metadata: 'jsonb-object',
    reference: 'jsonb-object',
    'reference.resource_id': { type: 'text', sql: "reference->>'resource_id'", inResults: false },
    'reference.external_link': { type: 'text', sql: "reference->>'external_link'", inResults: false },
    tags: 'jsonb-object',
    tag_keys: {
      type: 'jsonb-object',
      sql: "jsonb_build_object(provider, COALESCE((SELECT jsonb_agg(tag_key) FROM jsonb_object_keys(tags) AS tag_key), '[]'::jsonb))",
    },
    'collection_info.service_account_id': { type: 'text', column: 'service_account_id' },
    'collection_info.secret_id': { type: 'text', column: 'secret_id' },
    'collection_info.collector_id': { type: 'text', column: 'collector_id' },
    'collection_info.last_collected_at': { type: 'timestamptz', column: 'last_collected_at' },
    region_code: 'text',
    domain_id: 'text',
    workspace_id: 'text',
    project_id: 'text',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    deleted_at: 'timestamptz',
  },
  keywordFields: ['cloud_service_id', 'name', 'ip_addresses', 'cloud_service_group', 'cloud_service_type', 'reference.resource_id'],
  defaultSort: [{ key: 'created_at' }],
  minimalFields: [
    'cloud_service_id',
    'name',
    'state',
    'provider',
    'cloud_service_group',
    'cloud_service_type',
    'reference.resource_id',
    'region_code',
    'account',
    'project_id',
  ],
});
