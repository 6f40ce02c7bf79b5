import { diffDocument, recordChanges } from '../cloud-service/change-history.sql';
import type { PayloadColumn, ResourceKindDeclaration } from '../cloud-service/resource-kind';
import type { ResourceKind } from '../cloud-service/resource-kinds';

/** What ingest's statements need of a resource kind (cloud-service/*.kind.ts declares it). */
export type ResourceTableSpec = Pick<
  ResourceKindDeclaration<ResourceKind>,
  'kind' | 'table' | 'idColumn' | 'idPrefix' | 'payload' | 'softDelete' | 'expiresWhenUnseen' | 'tracksCollection' | 'keepsHistory' | 'naturalKey' | 'byIdAndVersion' | 'domainWide'
>;

const q = (identifier: string) => `"${identifier}"`;

/**
 * How often at most a collect that sees a type or region unchanged moves its updated_at (its
 * "last seen", which retention reads): often enough for any retention of an hour or more, rarely
 * enough that the tasks of a job do not all rewrite the same rows.
 */
export const SEEN_TOUCH_INTERVAL = '10 minutes';

/** Rows a collect may match: a DELETED cloud service is never matched again (a DELETED type or region is, and revived). */
function liveCondition(spec: ResourceTableSpec): string {
  return spec.softDelete && !spec.expiresWhenUnseen ? ` AND t.state <> 'DELETED'` : '';
}

/** The columns an identity lookup reads, to tell whether the matched row needs no write. */
function matchedColumns(spec: ResourceTableSpec): string {
  const id = q(spec.idColumn);
  if (spec.tracksCollection) return `t.${id} AS id, t.content_hash, t.state, t.disconnected_count, t.secret_id`;
  return spec.softDelete ? `t.${id} AS id, t.content_hash, t.state` : `t.${id} AS id, t.content_hash`;
}

/**
 * The matched row `m` needs no write for the incoming `source`: same content, and live (a DELETED
 * type or region is revived); cloud services also not disconnected and owned by the same secret
 * (`secretParam`).
 */
function unchangedCondition(spec: ResourceTableSpec, source: string, secretParam: string): string {
  if (spec.tracksCollection) {
    return `m.content_hash = ${source}.content_hash AND m.state = 'ACTIVE' AND m.disconnected_count = 0 AND m.secret_id = ${secretParam}`;
  }
  return spec.softDelete ? `m.content_hash = ${source}.content_hash AND m.state = 'ACTIVE'` : `m.content_hash = ${source}.content_hash`;
}

/** How the upsert statement of a table is built: with lower-priority match keys, with change records. */
export interface UpsertVariant {
  /** Items may match rows by their lower-priority keys, and rows by theirs (API-created rows). */
  withSecondary: boolean;
  /** Write change records of created and updated rows (kinds that keep history). */
  withHistory: boolean;
}

/**
 * The one statement that writes a batch of resources of one table, built once from the spec
 * (no request text ever reaches it). Parameters:
 *   $1 the batch as a JSON array of {ord, new_id, identity_key, secondary_keys, content_hash, <payload>}
 *   $2 domain_id, $3 workspace_id,
 *   cloud_service: $4 collector_id, $5 secret_id, $6 service_account_id, $7 project_id, $8 job_id
 *   other tables:  $4 updated_by (the collector id)
 *
 * Match keys already hash the domain and workspace in, so every lookup is one index probe per
 * resource, driven from the batch (LATERAL … LIMIT), whatever the planner believes about table
 * sizes (statistics are stale while a collect fills a table). A resource's identity (its first
 * usable match rule) is written with INSERT … ON CONFLICT, which is also safe against a
 * concurrent writer; a kind with a natural key (types, regions) conflicts on that key instead, so
 * that a row the identity misses (created through the API, or under other rules) is taken, never
 * doubled. Only when the identity matches nothing are the other keys tried (`withSecondary`): the
 * identity against the rows' secondary keys (the keys an API-created row carries), then the
 * resource's lower-priority rules; a match there updates that row, which takes the resource's
 * keys; more than one row matching is a failure (Cloudforet's ERROR_TOO_MANY_MATCH). Rows whose
 * content hash did not change are not rewritten. `withHistory`: each created or changed row gets
 * its change record in the same statement (cloud-service/change-history.sql.ts). Returns one row:
 * created, updated, too_many (ords matching several rows).
 */
export function buildUpsertStatement(spec: ResourceTableSpec, variant: UpsertVariant): string {
  const { withSecondary } = variant;
  const withHistory = variant.withHistory && spec.keepsHistory;
  const t = spec.table;
  const id = q(spec.idColumn);
  const live = liveCondition(spec);
  const natural = spec.naturalKey ?? [];
  // a type or region that expires when unseen keeps one row per identity, DELETED or not
  const conflict =
    natural.length > 0
      ? `(domain_id, workspace_id, ${natural.map(q).join(', ')})`
      : `(identity_key)${spec.softDelete && !spec.expiresWhenUnseen ? ` WHERE state <> 'DELETED'` : ''}`;
  const recordset = [
    'ord int',
    'new_id text',
    'identity_key text',
    'secondary_keys text[]',
    'content_hash text',
    ...spec.payload.map((c) => `${q(c.name)} ${c.type}`),
  ].join(', ');

  const fixedColumns = spec.tracksCollection
    ? ['collector_id', 'secret_id', 'service_account_id', 'project_id', 'collected_by_job', 'last_collected_at']
    : ['updated_by', ...(spec.byIdAndVersion ? ['created_by'] : [])];
  const fixedValues = spec.tracksCollection ? ['$4', '$5', '$6', '$7', '$8', 'now()'] : ['$4', ...(spec.byIdAndVersion ? ['$4'] : [])];

  /** A payload column's value as stored, from the batch's row `i` (by provider: `{<provider>: value}`). */
  const stored = (c: PayloadColumn) => (c.byProvider ? `jsonb_build_object(i."provider", i.${q(c.name)})` : `i.${q(c.name)}`);

  /** SET of an update from the batch's row (`i`) or from the row an insert conflicted with (EXCLUDED, already stored form). */
  const setFrom = (source: 'i' | 'EXCLUDED') =>
    [
      ...spec.payload
        .filter((c) => !c.insertOnly)
        .map((c) => {
          const value = source === 'i' ? stored(c) : `EXCLUDED.${q(c.name)}`;
          // a provider's bucket is replaced whole, the other providers' kept; data is shallow-merged
          return c.merge || c.byProvider ? `${q(c.name)} = t.${q(c.name)} || ${value}` : `${q(c.name)} = ${value}`;
        }),
      ...(natural.length > 0 && source === 'EXCLUDED' ? ['identity_key = EXCLUDED.identity_key'] : []),
      `secondary_keys = ${source}.secondary_keys`,
      `content_hash = ${source}.content_hash`,
      ...(spec.tracksCollection
        ? [
            `collector_id = $4`,
            `secret_id = $5`,
            `service_account_id = $6`,
            `project_id = $7`,
            `collected_by_job = $8`,
            `last_collected_at = now()`,
            `state = 'ACTIVE'`,
            `disconnected_count = 0`,
            `deleted_at = NULL`,
          ]
        : [`updated_by = $4`, ...(spec.softDelete ? [`state = 'ACTIVE'`, `deleted_at = NULL`] : [])]),
      `updated_at = now()`,
    ].join(', ');

  const changed = (source: string) =>
    spec.tracksCollection
      ? `(t.content_hash IS DISTINCT FROM ${source}.content_hash OR t.state <> 'ACTIVE' OR t.disconnected_count > 0 OR t.secret_id <> $5)`
      : `(${[
          `t.content_hash IS DISTINCT FROM ${source}.content_hash`,
          ...(natural.length > 0 ? [`t.identity_key IS DISTINCT FROM ${source}.identity_key`] : []),
          ...(spec.softDelete ? [`t.state <> 'ACTIVE'`] : []),
        ].join(' OR ')})`;

  const insertColumns = [
    id,
    'identity_key',
    'secondary_keys',
    'content_hash',
    'domain_id',
    'workspace_id',
    ...spec.payload.map((c) => q(c.name)),
    ...fixedColumns,
  ].join(', ');
  const insertValues = ['i.new_id', 'i.identity_key', 'i.secondary_keys', 'i.content_hash', '$2', '$3', ...spec.payload.map(stored), ...fixedValues].join(
    ', ',
  );

  const secondaryParts = withSecondary
    ? `,
secondary_candidates AS (
  -- rank 1: the identity among the rows' secondary keys; rank 2…: the resource's lower-priority keys
  SELECT i.ord, k.rank, c.id
  FROM input i
  CROSS JOIN LATERAL unnest(ARRAY[i.identity_key] || i.secondary_keys) WITH ORDINALITY AS k(key, rank)
  CROSS JOIN LATERAL (
    (SELECT t.${id} AS id FROM ${q(t)} t WHERE k.rank > 1 AND t.identity_key = k.key${live} LIMIT 2)
    UNION
    (SELECT t.${id} AS id FROM ${q(t)} t WHERE t.secondary_keys @> ARRAY[k.key] AND cardinality(t.secondary_keys) > 0${live} LIMIT 2)
  ) c
  WHERE NOT EXISTS (SELECT 1 FROM by_identity b WHERE b.ord = i.ord)
),
by_secondary AS (
  SELECT ord, min(id) AS id, count(DISTINCT id) AS matches
  FROM (SELECT c.*, min(c.rank) OVER (PARTITION BY c.ord) AS best FROM secondary_candidates c) ranked
  WHERE rank = best
  GROUP BY ord
)`
    : `,
by_secondary AS (
  SELECT NULL::int AS ord, NULL::text AS id, 0::bigint AS matches WHERE false
)`;

  const returnedDocument = withHistory ? `, ${diffDocument('t')} AS doc` : '';
  const secondaryUpdate = withSecondary
    ? `,
secondary_updated AS (
  UPDATE ${q(t)} t SET identity_key = i.identity_key, ${setFrom('i')}
  FROM by_secondary s JOIN input i ON i.ord = s.ord
  WHERE s.matches = 1 AND t.${id} = s.id AND ${changed('i')}
  RETURNING t.${id} AS id${returnedDocument}
)`
    : '';

  const seen = spec.tracksCollection
    ? `,
seen AS (
  -- rows this job matched but did not rewrite; the rows it wrote carry collected_by_job
  INSERT INTO collect_seen (job_id, secret_id, cloud_service_id)
  SELECT $8, $5, s.id FROM (
    SELECT id FROM by_identity WHERE unchanged${withSecondary ? `
    UNION SELECT s.id FROM by_secondary s WHERE s.matches = 1 AND NOT EXISTS (SELECT 1 FROM secondary_updated u WHERE u.id = s.id)` : ''}
  ) s
  ON CONFLICT DO NOTHING
)`
    : '';

  const history = withHistory
    ? `,
previous AS MATERIALIZED (
  -- the rows about to change, as this statement's snapshot sees them: before its own writes
  -- (materialized: one index probe per row, then joined once, not probed again for each record)
  SELECT t.${id} AS id, ${diffDocument('t')} AS doc
  FROM ${q(t)} t
  WHERE t.${id} IN (SELECT id FROM by_identity WHERE NOT unchanged UNION ALL SELECT id FROM by_secondary WHERE matches = 1)
),
recorded AS (
  ${recordChanges(
    `SELECT u.id, u.created, u.doc FROM upserted u${withSecondary ? ' UNION ALL SELECT s.id, false, s.doc FROM secondary_updated s' : ''}`,
    'previous',
    { domainId: '$2', updatedBy: `'COLLECTOR'`, collectorId: '$4', jobId: '$8', userId: `''` },
  )}
)`
    : '';

  return `WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(${recordset})
),
by_identity AS (
  SELECT i.ord, m.id, (${unchangedCondition(spec, 'i', '$5')}) AS unchanged
  FROM input i
  CROSS JOIN LATERAL (SELECT ${matchedColumns(spec)} FROM ${q(t)} t WHERE t.identity_key = i.identity_key${live} LIMIT 1) m
)${secondaryParts},
upserted AS (
  -- new and changed resources only: an unchanged one costs one index probe and no write
  INSERT INTO ${q(t)} AS t (${insertColumns})
  SELECT ${insertValues}
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM by_secondary s WHERE s.ord = i.ord)
    AND NOT EXISTS (SELECT 1 FROM by_identity b WHERE b.ord = i.ord AND b.unchanged)
  ORDER BY i.identity_key
  ON CONFLICT ${conflict} DO UPDATE SET ${setFrom('EXCLUDED')}
  WHERE ${changed('EXCLUDED')}
  RETURNING t.${id} AS id, (t.xmax = 0) AS created${returnedDocument}
)${secondaryUpdate}${seen}${history}
SELECT
  (SELECT count(*) FROM upserted WHERE created)::int AS created,
  ((SELECT count(*) FROM upserted WHERE NOT created)${withSecondary ? ' + (SELECT count(*) FROM secondary_updated)' : ''})::int AS updated,
  COALESCE((SELECT array_agg(ord) FROM by_secondary WHERE matches > 1), '{}') AS too_many`;
}

/**
 * The first statement of a batch: looks each resource up by its identity and content hash
 * (arrays of keys and hashes, not the resources) and answers which ones must be written. The
 * unchanged ones are only recorded as seen (cloud services) or, at most every
 * SEEN_TOUCH_INTERVAL, have their updated_at moved (types and regions that expire when unseen;
 * rows another transaction holds are skipped, never waited for), so that a re-collect of an
 * unchanged inventory sends and writes almost nothing. Parameters:
 *   $1 identity keys, $2 content hashes (in batch order);
 *   cloud_service: $3 job_id, $4 secret_id
 * Returns the 0-based positions of the resources to write.
 */
export function buildProbeStatement(spec: ResourceTableSpec): string {
  const t = q(spec.table);
  const live = liveCondition(spec);
  const id = q(spec.idColumn);
  const seen = spec.tracksCollection
    ? `,
seen AS (
  INSERT INTO collect_seen (job_id, secret_id, cloud_service_id)
  SELECT $3, $4, id FROM probe WHERE unchanged
  ON CONFLICT DO NOTHING
)`
    : spec.expiresWhenUnseen
      ? `,
touched AS (
  UPDATE ${t} SET updated_at = now()
   WHERE ${id} IN (SELECT s.${id} FROM ${t} s JOIN probe p ON p.id = s.${id}
                    WHERE p.unchanged AND s.updated_at < now() - interval '${SEEN_TOUCH_INTERVAL}'
                    ORDER BY s.${id} FOR UPDATE OF s SKIP LOCKED)
)`
      : '';
  return `WITH probe AS (
  SELECT p.ord - 1 AS ord, m.id, COALESCE(${unchangedCondition(spec, 'p', '$4')}, false) AS unchanged
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(identity_key, content_hash, ord)
  LEFT JOIN LATERAL (SELECT ${matchedColumns(spec)} FROM ${t} t WHERE t.identity_key = p.identity_key${live} LIMIT 1) m ON true
)${seen}
SELECT ord FROM probe WHERE NOT unchanged ORDER BY ord`;
}
