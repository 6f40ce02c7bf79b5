/**
 * The SQL of change records, shared by the statements that change cloud services (ingest's
 * upsert and disconnection, the CloudService API), so that a record is written by the very
 * statement that made the change, set-based, in its transaction.
 *
 * - A record's diff compares the row's DIFF_KEYS before and after the change, as a document built
 *   from the columns (`diffDocument`): objects are walked down to three levels
 *   (`data.hardware.core`, `tags.<provider>.<key>`), deeper values compared whole; only keys whose
 *   values differ are visited. Writes walk all the changed rows of a statement at once
 *   (`diffEntries`); `change_record_diff(before, after)`, a PL/pgSQL function of the ResourceModel
 *   migration with the same rules, serves reads.
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

/**
 * A new record id, `record-<12 hex>` as Cloudforet's ids, from a sequence (migration
 * OrderedRecordIds): a batch's records land at the btree's right edge, not on a random page each.
 */
export const NEW_RECORD_ID = `'record-' || lpad(to_hex(nextval('change_record_id_seq')), 12, '0')`;

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

/** A jsonb value's kind, never NULL (a missing key is 'missing'), so that conditions on it are never NULL. */
const kind = (value: string) => `COALESCE(jsonb_typeof(${value}), 'missing')`;
/** Empty values count as absent. */
const emptyOrMissing = (value: string) => `(${value} IS NULL OR ${value} IN ('null', '""', '[]'))`;
/** Whether the walk goes into a pair of values: objects (or an empty side) above the third level. */
const expandable = (before: string, after: string, depth: string) =>
  `(${depth} < 3 AND (${kind(before)} = 'object' OR ${kind(after)} = 'object')` +
  ` AND (${kind(before)} = 'object' OR ${emptyOrMissing(before)}) AND (${kind(after)} = 'object' OR ${emptyOrMissing(after)}))`;
/** A leaf as a record shows it: strings as they are, lists sorted, other values as JSON; empty values NULL. */
const asText = (value: string) => `CASE WHEN ${value} IS NULL OR ${value} IN ('null', '""', '[]', '{}') THEN NULL
           WHEN jsonb_typeof(${value}) = 'string' THEN ${value} #>> '{}'
           WHEN jsonb_typeof(${value}) = 'array' THEN (SELECT jsonb_agg(e ORDER BY e)::text FROM jsonb_array_elements(${value}) AS e)
           ELSE ${value}::text END`;
const objectOrEmpty = (value: string) => `CASE WHEN jsonb_typeof(${value}) = 'object' THEN ${value} ELSE '{}' END`;

/**
 * The diffs of many (id, before, after) pairs at once (`pairs` yields them): one recursive walk
 * over the whole set, rather than one PL/pgSQL call per row, with the very rules of
 * change_record_diff (the ChangeHistory migration; change-history.int-spec checks that both agree):
 * objects walked down to three levels where the two sides differ, leaves compared as text, entries
 * in the function's order. Yields (id, diff) for the pairs with at least one entry.
 */
export function diffEntries(pairs: string): string {
  return `WITH RECURSIVE pairs AS MATERIALIZED (${pairs}),
  walk(id, ord, path, depth, b, a) AS (
    SELECT p.id, ARRAY[k.n], k.key, 1, p.before -> k.key, p.after -> k.key
    FROM pairs p CROSS JOIN unnest(ARRAY[${DIFF_KEYS.map((key) => `'${key}'`).join(', ')}]) WITH ORDINALITY AS k(key, n)
    WHERE (p.before -> k.key) IS DISTINCT FROM (p.after -> k.key)
    UNION ALL
    SELECT w.id, w.ord || k.n, w.path || '.' || k.key, w.depth + 1, w.b -> k.key, w.a -> k.key
    FROM walk w CROSS JOIN LATERAL jsonb_object_keys(${objectOrEmpty('w.b')} || ${objectOrEmpty('w.a')}) WITH ORDINALITY AS k(key, n)
    WHERE ${expandable('w.b', 'w.a', 'w.depth')} AND (w.b -> k.key) IS DISTINCT FROM (w.a -> k.key)
  ),
  leaves AS (
    SELECT id, ord, path, ${asText('b')} AS before, ${asText('a')} AS after
    FROM walk WHERE NOT ${expandable('b', 'a', 'depth')}
  )
  SELECT id, jsonb_agg(jsonb_build_object('key', path, 'before', before, 'after', after,
           'type', CASE WHEN before IS NULL THEN 'ADDED' WHEN after IS NULL THEN 'DELETED' ELSE 'CHANGED' END) ORDER BY ord) AS diff
  FROM leaves WHERE before IS DISTINCT FROM after
  GROUP BY id`;
}

/**
 * An INSERT of the records of created and updated rows. `changes` yields (id, created, doc: the
 * row after the change), `previous` names a relation of (id, doc: the row before). The diffs of
 * the updates are computed together (diffEntries); an update whose diff is empty (nothing it
 * compares changed: metadata, state, collection info) is not recorded.
 */
export function recordChanges(changes: string, previous: string, author: RecordAuthor): string {
  return `INSERT INTO change_record (${RECORD_COLUMNS})
  SELECT ${NEW_RECORD_ID}, c.id, ${author.domainId}, CASE WHEN c.created THEN 'CREATE' ELSE 'UPDATE' END, d.diff, jsonb_array_length(d.diff),
         CASE WHEN c.created THEN c.doc END, ${author.updatedBy}, ${author.collectorId}, ${author.jobId}, ${author.userId}
  FROM (${changes}) c
  LEFT JOIN (${diffEntries(`SELECT c.id, p.doc AS before, c.doc AS after FROM (${changes}) c JOIN ${previous} p ON p.id = c.id WHERE NOT c.created`)}) d ON d.id = c.id
  WHERE c.created OR d.diff IS NOT NULL`;
}

/** An INSERT of DELETE records (no diff) of the ids `deleted` yields. */
export function recordDeletes(deleted: string, author: RecordAuthor): string {
  return `INSERT INTO change_record (${RECORD_COLUMNS})
  SELECT ${NEW_RECORD_ID}, d.id, ${author.domainId}, 'DELETE', '[]'::jsonb, 0, NULL,
         ${author.updatedBy}, ${author.collectorId}, ${author.jobId}, ${author.userId}
  FROM (${deleted}) d`;
}
