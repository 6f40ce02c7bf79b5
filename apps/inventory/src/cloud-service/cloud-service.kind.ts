import { CLOUD_SERVICE_TYPE_KIND } from './cloud-service-type.kind';
import { REGION_KIND } from './region.kind';
import { defineResourceKind } from './resource-kind';
import { float, jsonObject, reference, stringList, tags, text } from './resource-readers';

/**
 * CloudService, declared once: its table, the columns a collect reads from a plugin's resource
 * (and how it merges them), the columns the inventory keeps, and the query language's view of
 * them (the API keys of CloudServiceInfo).
 *
 * - `collection_info.*` are columns of their own; `reference` is JSON with `reference.resource_id` /
 *   `reference.external_link` as text expressions (index-friendly, and the keyword field); `data`,
 *   `metadata`, `tags` take any sub-path.
 * - `tags` and `metadata` are stored as CloudServiceInfo shows them, by provider (`{aws: {Name:
 *   web-1}, custom: {owner: me}}`), so `tags.<provider>.<key>` is a plain JSON path (GIN-indexed);
 *   `tag_keys` is computed from them (`{provider: [tag keys]}`).
 * - The collect bookkeeping (identity_key, secondary_keys, content_hash, collected_by_job,
 *   disconnected_count) is not a field: it can be neither asked nor returned.
 * - Cloudforet declares no ordering for cloud services: ours is `created_at`, then the id.
 */
export const CLOUD_SERVICE_KIND = defineResourceKind({
  kind: 'cloud_service',
  resourceType: 'inventory.CloudService',
  resource: 'CloudService',
  table: 'cloud_service',
  idColumn: 'cloud_service_id',
  idPrefix: 'cloud-svc',
  softDelete: true,
  tracksCollection: true,
  countedOnTask: true,
  keepsHistory: true,
  // the plugins' usual rules: AWS (and the synthetic plugin), then Google Cloud and Azure without account
  manualMatchRules: [
    ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'],
    ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group'],
  ],
  columns: {
    name: { sql: 'text', read: text('name') },
    account: { sql: 'text', read: text('account') },
    instance_type: { sql: 'text', read: text('instance_type') },
    instance_size: { sql: 'float8', read: float('instance_size') },
    ip_addresses: { sql: 'jsonb', read: stringList('ip_addresses'), query: { type: 'jsonb-array' } },
    cloud_service_type: { sql: 'text', read: text('cloud_service_type', { required: true }) },
    cloud_service_group: { sql: 'text', read: text('cloud_service_group', { required: true }) },
    provider: { sql: 'text', read: text('provider', { required: true }) },
    region_code: { sql: 'text', read: text('region_code') },
    data: { sql: 'jsonb', read: jsonObject('data', 'json_data'), merge: true },
    // list leaves metadata out, as Cloudforet's list does; get, create and update return it
    metadata: { sql: 'jsonb', read: jsonObject('metadata', 'json_metadata'), byProvider: true, query: { inResults: false } },
    reference: { sql: 'jsonb', read: reference() },
    tags: { sql: 'jsonb', read: tags(), byProvider: true },
    state: { sql: 'text' },
    collector_id: { sql: 'text', query: { key: 'collection_info.collector_id' } },
    secret_id: { sql: 'text', query: { key: 'collection_info.secret_id' } },
    service_account_id: { sql: 'text', query: { key: 'collection_info.service_account_id' } },
    project_id: { sql: 'text' },
    /**
     * The job that last wrote this row. With collect_seen (the rows a job saw but did not rewrite,
     * being unchanged) it tells which resources a job did not see, without a write per resource.
     */
    collected_by_job: { sql: 'text', nullable: true, query: false },
    /** Successful collects in a row that did not see this resource. */
    disconnected_count: { sql: 'int', query: false },
    last_collected_at: { sql: 'timestamptz', nullable: true, query: { key: 'collection_info.last_collected_at' } },
    deleted_at: { sql: 'timestamptz', nullable: true },
  },
  query: {
    expressions: {
      'reference.resource_id': { type: 'text', sql: "reference->>'resource_id'", inResults: false },
      'reference.external_link': { type: 'text', sql: "reference->>'external_link'", inResults: false },
      tag_keys: {
        type: 'jsonb-object',
        sql:
          "(SELECT COALESCE(jsonb_object_agg(bucket.key, CASE WHEN jsonb_typeof(bucket.value) = 'object' " +
          "THEN COALESCE((SELECT jsonb_agg(tag_key) FROM jsonb_object_keys(bucket.value) AS tag_key), '[]'::jsonb) ELSE '[]'::jsonb END), '{}'::jsonb) " +
          'FROM jsonb_each(tags) AS bucket)',
      },
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
    // Cloudforet's clients filter cloud services through their type and region (managed metrics:
    // `ref_cloud_service_type.is_primary eq true`, `ref_cloud_service_type.labels not_in [CSPM, Management]`):
    // a semi-join on the type or region of the same domain, workspace and provider, served by their unique indexes
    references: {
      ref_cloud_service_type: {
        schema: CLOUD_SERVICE_TYPE_KIND.querySchema,
        on: { domain_id: 'domain_id', workspace_id: 'workspace_id', provider: 'provider', cloud_service_group: 'group', cloud_service_type: 'name' },
      },
      ref_region: {
        schema: REGION_KIND.querySchema,
        on: { domain_id: 'domain_id', workspace_id: 'workspace_id', provider: 'provider', region_code: 'region_code' },
      },
    },
  },
});

/** CloudService as the query language sees it. */
export const CLOUD_SERVICE_QUERY_SCHEMA = CLOUD_SERVICE_KIND.querySchema;
