import { defineResourceKind } from './resource-kind';
import { tags, text } from './resource-readers';

/**
 * Region, declared once. Stored per workspace, like Cloudforet; name is replaced on update, tags
 * merge. Not counted on a task (Cloudforet's NOT_COUNT). The query view follows Cloudforet's
 * model: ordering name; its keyword and minimal fields. Not seen by any collect for
 * RETENTION_REGION_HOURS, it becomes DELETED (ours: state, deleted_at; Cloudforet deletes it),
 * unless written by hand (updated_by "manual"); seen again, it is ACTIVE.
 */
export const REGION_KIND = defineResourceKind({
  kind: 'region',
  resourceType: 'inventory.Region',
  resource: 'Region',
  table: 'region',
  idColumn: 'region_id',
  idPrefix: 'region',
  softDelete: true,
  expiresWhenUnseen: true,
  tracksCollection: false,
  countedOnTask: false,
  keepsHistory: false,
  naturalKey: ['provider', 'region_code'],
  manualMatchRules: [['provider', 'region_code']],
  columns: {
    name: { sql: 'text', read: text('name') },
    region_code: { sql: 'text', read: text('region_code', { required: true }) },
    provider: { sql: 'text', read: text('provider', { required: true }) },
    tags: { sql: 'jsonb', read: tags(), merge: true },
    updated_by: { sql: 'text', query: false },
    state: { sql: 'text' },
    deleted_at: { sql: 'timestamptz', nullable: true },
  },
  query: {
    expressions: {
      region_key: { type: 'text', sql: `provider || '.' || region_code` },
    },
    keywordFields: ['region_id', 'name', 'region_code'],
    defaultSort: [{ key: 'name' }],
    minimalFields: ['region_id', 'name', 'region_code', 'provider'],
  },
});
