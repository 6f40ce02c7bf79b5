import { defineResourceKind } from './resource-kind';
import { flag, jsonObject, list, tags, text } from './resource-readers';

/**
 * CloudServiceType, declared once. Stored per workspace, like Cloudforet; every field is replaced
 * whole on update except tags, which merge. Not counted on a task (Cloudforet's NOT_COUNT). The
 * query view follows Cloudforet's model: ordering provider, group, name; its keyword and minimal fields.
 * Not seen by any collect for RETENTION_TYPE_HOURS, it becomes DELETED (ours: state, deleted_at;
 * Cloudforet deletes it), unless written by hand (updated_by "manual"); seen again, it is ACTIVE.
 */
export const CLOUD_SERVICE_TYPE_KIND = defineResourceKind({
  kind: 'cloud_service_type',
  resourceType: 'inventory.CloudServiceType',
  resource: 'CloudServiceType',
  table: 'cloud_service_type',
  idColumn: 'cloud_service_type_id',
  idPrefix: 'cloud-svc-type',
  softDelete: true,
  expiresWhenUnseen: true,
  tracksCollection: false,
  countedOnTask: false,
  keepsHistory: false,
  naturalKey: ['provider', 'group', 'name'],
  manualMatchRules: [['name', 'group', 'provider']],
  columns: {
    name: { sql: 'text', read: text('name', { required: true }) },
    provider: { sql: 'text', read: text('provider', { required: true }) },
    group: { sql: 'text', read: text('group', { required: true }) },
    service_code: { sql: 'text', read: text('service_code') },
    is_primary: { sql: 'boolean', read: flag('is_primary') },
    is_major: { sql: 'boolean', read: flag('is_major') },
    resource_type: { sql: 'text', read: text('resource_type') },
    metadata: { sql: 'jsonb', read: jsonObject('metadata', 'json_metadata') },
    labels: { sql: 'jsonb', read: list('labels'), query: { type: 'jsonb-array' } },
    tags: { sql: 'jsonb', read: tags(), merge: true },
    updated_by: { sql: 'text', query: false },
    state: { sql: 'text' },
    deleted_at: { sql: 'timestamptz', nullable: true },
  },
  query: {
    expressions: {
      cloud_service_type_key: { type: 'text', sql: `provider || '.' || "group" || '.' || name` },
    },
    keywordFields: ['cloud_service_type_id', 'name', 'group', 'service_code'],
    defaultSort: [{ key: 'provider' }, { key: 'group' }, { key: 'name' }],
    minimalFields: ['cloud_service_type_id', 'name', 'provider', 'group', 'service_code', 'is_primary', 'is_major', 'resource_type'],
  },
});
