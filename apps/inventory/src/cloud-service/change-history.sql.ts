/**
 * The SQL of change records, shared by the statements that change cloud services (ingest's
 * upsert and disconnection, the CloudService API), so that a record is written by the very
 * statement that made the change, set-based, in its transaction.
 *
 * - A record's diff compares the row's DIFF_KEYS before and after the change, as a document built
 *   from the columns (`diffDocument`), with `change_record_diff(before, after)`, a PL/pgSQL
 *   function of the ChangeHistory migration: objects are walked down to three levels
 *   (`data.hardware.core`, `tags.<provider>.<key>`), deeper values compared whole; only keys whose
 *   values differ are visited.
 * - A CREATE record keeps the created row's document (`created_with`) and no diff: its entries
 *   (every key ADDED) are derived from it when read (`change_record_diff(NULL, created_with)`), so
 *   a first collect pays one document per resource, not a walk of it.
 */

/** Cloudforet's DIFF_KEYS: what a record compares. Never metadata, state or collection info. */
export const DIFF_KEYS = [
  'name',
  'ip_addresses',
  'account',
  'instance_type',
  'instance_size',
  'reference',
  'region_code',
  'project_id',
  'data',
  'tags',
] as const;

/** The diffed keys of a cloud_service row `alias` as one jsonb document (instance_size 0 counts as absent). */
export function diffDocument(alias: string): string {
  const value = (key: string) => (key === 'instance_size' ? `NULLIF(${alias}."instance_size", 0)` : `${alias}."${key}"`);
  return `jsonb_build_object(${DIFF_KEYS.map((key) => `'${key}', ${value(key)}`).join(', ')})`;
}

/** A new record id, `record-<12 hex>` as Cloudforet's ids, from PostgreSQL's random UUID. */
export const NEW_RECORD_ID = `'record-' || left(replace(gen_random_uuid()::text, '-', ''), 12)`;

/** Who made a change, as SQL expressions (parameters or literals) of the statement. */
export interface RecordAuthor {
  domainId: string;
  /** 'COLLECTOR' or 'USER' */
  updatedBy: string;
  collectorId: string;
  jobId: string;
  userId: string;
}

const RECORD_COLUMNS = 'record_id, cloud_service_id, domain_id, action, diff, diff_count, created_with, updated_by, collector_id, job_id, user_id';

/**
 * An INSERT of the records of created and updated rows. `changes` yields (id, created, doc: the
 * row after the change), `previous` names a relation of (id, doc: the row before). An update whose
 * diff is empty (nothing it compares changed: metadata, state, collection info) is not recorded.
 */
export function recordChanges(changes: string, previous: string, author: RecordAuthor): string {
  return `INSERT INTO change_record (${RECORD_COLUMNS})
  SELECT ${NEW_RECORD_ID}, c.id, ${author.domainId}, c.action, c.diff, jsonb_array_length(c.diff), c.created_with,
         ${author.updatedBy}, ${author.collectorId}, ${author.jobId}, ${author.userId}
  FROM (
    SELECT c.id,
           CASE WHEN c.created THEN 'CREATE' ELSE 'UPDATE' END AS action,
           CASE WHEN c.created THEN NULL ELSE change_record_diff(p.doc, c.doc) END AS diff,
           CASE WHEN c.created THEN c.doc END AS created_with
    FROM (${changes}) c
    LEFT JOIN ${previous} p ON p.id = c.id
    OFFSET 0 -- computed once per row, not once per reference
  ) c
  WHERE c.action = 'CREATE' OR jsonb_array_length(c.diff) > 0`;
}

/** An INSERT of DELETE records (no diff) of the ids `deleted` yields. */
export function recordDeletes(deleted: string, author: RecordAuthor): string {
  return `INSERT INTO change_record (${RECORD_COLUMNS})
  SELECT ${NEW_RECORD_ID}, d.id, ${author.domainId}, 'DELETE', '[]'::jsonb, 0, NULL,
         ${author.updatedBy}, ${author.collectorId}, ${author.jobId}, ${author.userId}
  FROM (${deleted}) d`;
}
