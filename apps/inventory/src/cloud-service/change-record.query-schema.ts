import { defineResourceSchema } from '@cloud-inventory/query';

/** A record's entries: stored for UPDATE and DELETE, derived from the created document for CREATE (change-history.sql.ts). */
const DIFF = 'COALESCE(diff, change_record_diff(NULL, created_with))';

/**
 * ChangeHistory's view of change_record (Cloudforet's RecordInfo). Scoped by domain only: the
 * service reads the records of one cloud service, whose access it checks first. `diff.key`,
 * `diff.before` and `diff.after` are the entries' values (the keyword searches them, as
 * Cloudforet's does). Newest first.
 */
export const CHANGE_RECORD_QUERY_SCHEMA = defineResourceSchema({
  resource: 'ChangeHistory',
  table: 'change_record',
  idKey: 'record_id',
  scope: { domainColumn: 'domain_id' },
  fields: {
    record_id: 'text',
    action: 'text',
    diff: { type: 'jsonb-array', sql: DIFF },
    'diff.key': { type: 'jsonb-array', sql: `jsonb_path_query_array(${DIFF}, '$[*].key')`, inResults: false },
    'diff.before': { type: 'jsonb-array', sql: `jsonb_path_query_array(${DIFF}, '$[*].before')`, inResults: false },
    'diff.after': { type: 'jsonb-array', sql: `jsonb_path_query_array(${DIFF}, '$[*].after')`, inResults: false },
    diff_count: { type: 'int', sql: `COALESCE(diff_count, jsonb_array_length(${DIFF}))` },
    updated_by: 'text',
    collector_id: 'text',
    job_id: 'text',
    user_id: 'text',
    cloud_service_id: 'text',
    domain_id: 'text',
    created_at: 'timestamptz',
  },
  keywordFields: ['diff.key', 'diff.before', 'diff.after'],
  defaultSort: [{ key: 'created_at', desc: true }],
  minimalFields: ['record_id', 'action', 'diff_count', 'updated_by', 'created_at'],
});
