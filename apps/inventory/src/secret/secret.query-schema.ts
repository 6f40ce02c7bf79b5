import { defineResourceSchema } from '@cloud-inventory/query';

/**
 * Secret as the query language sees it: the API keys of SecretInfo. The encrypted data is not a
 * field: it can be neither filtered on nor returned. Ordering `created_at`, keyword on secret_id and name.
 */
export const SECRET_QUERY_SCHEMA = defineResourceSchema({
  resource: 'Secret',
  table: 'secret',
  idKey: 'secret_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id', projectColumn: 'project_id' },
  fields: {
    secret_id: 'text',
    name: 'text',
    state: 'text',
    schema_id: 'text',
    provider: 'text',
    tags: 'jsonb-object',
    resource_group: 'text',
    domain_id: 'text',
    workspace_id: 'text',
    project_id: 'text',
    service_account_id: 'text',
    trusted_secret_id: 'text',
    created_at: 'timestamptz',
  },
  keywordFields: ['secret_id', 'name'],
  defaultSort: [{ key: 'created_at' }],
  minimalFields: ['secret_id', 'name', 'state', 'schema_id', 'provider', 'resource_group', 'workspace_id', 'project_id', 'service_account_id'],
});
