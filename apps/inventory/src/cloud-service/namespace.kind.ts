import { defineResourceKind } from './resource-kind';
import { fixed, oneOf, textOr } from './metric-readers';
import { tags, text } from './resource-readers';

export const NAMESPACE_CATEGORIES = ['ASSET', 'SECURITY', 'INFORMATION', 'RECOMMENDATION'] as const;

/**
 * Namespace, declared once. As Cloudforet's collect does: keyed by the plugin's namespace_id in the
 * domain (match rules ignored), stored at domain level (workspace "*", resource_group DOMAIN,
 * is_managed), rewritten only when `version` changes; `category` is fixed after create. Counted on
 * the task as created/updated (Cloudforet does not count them; we do, so a collect says what it wrote).
 */
export const NAMESPACE_KIND = defineResourceKind({
  kind: 'namespace',
  resourceType: 'inventory.Namespace',
  resource: 'Namespace',
  table: 'namespace',
  idColumn: 'namespace_id',
  idPrefix: 'ns',
  softDelete: false,
  tracksCollection: false,
  countedOnTask: true,
  keepsHistory: false,
  byIdAndVersion: { versionField: 'version' },
  domainWide: true,
  manualMatchRules: [['namespace_id']],
  columns: {
    name: { sql: 'text', read: text('name') },
    category: { sql: 'text', read: oneOf('category', NAMESPACE_CATEGORIES), insertOnly: true },
    resource_type: { sql: 'text', read: text('resource_type', { required: true }) },
    group: { sql: 'text', read: textOr('group', 'etc') },
    icon: { sql: 'text', read: text('icon') },
    tags: { sql: 'jsonb', read: tags() },
    version: { sql: 'text', read: text('version'), query: false },
    is_managed: { sql: 'boolean', read: fixed(true) },
    resource_group: { sql: 'text', read: fixed('DOMAIN') },
    updated_by: { sql: 'text', query: false },
    created_by: { sql: 'text', query: false },
  },
  query: {
    keywordFields: ['namespace_id', 'name'],
    defaultSort: [{ key: 'group' }, { key: 'name' }],
    minimalFields: ['namespace_id', 'name', 'category', 'resource_type', 'group'],
  },
});
