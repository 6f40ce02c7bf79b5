import { defineResourceSchema, FieldDefinition, FieldType, ReferenceDefinition, ResourceSchema, SortKey } from '@cloud-inventory/query';
import { ColumnReader, Json, text } from './resource-readers';

/** How a column is stored in PostgreSQL. */
export type ColumnSqlType = 'text' | 'float8' | 'int' | 'boolean' | 'jsonb' | 'timestamptz' | 'text[]';

export interface ColumnDeclaration {
  sql: ColumnSqlType;
  /** NULL allowed (timestamps not reached yet). Default false. */
  nullable?: boolean;
  /** Written when a collect creates the row, never changed by a collect's update (Cloudforet's fields fixed after create). */
  insertOnly?: boolean;
  /** How a collect reads the column from a plugin's resource. Absent: the inventory keeps the column itself. */
  read?: ColumnReader;
  /** Shallow-merge into the stored object on update (Cloudforet's rule for data). */
  merge?: boolean;
  /**
   * Stored as `{<provider>: value}`, Cloudforet's storage and response form of a cloud service's
   * tags and metadata: a collect writes the resource's provider's bucket whole and keeps the
   * others (an API update writes the `custom` bucket). Needs a `provider` payload column.
   */
  byProvider?: boolean;
  /**
   * The column in the query language: its API key (default: the column's name), type (default:
   * from the SQL type; jsonb is an object) and whether a full row has it (default true; else only
   * `only` returns it). false: the column can be neither asked nor returned.
   */
  query?: false | { key?: string; type?: FieldType; inResults?: boolean };
}

export interface ResourceKindDefinition<K extends string> {
  /** The kind's name in the code and in ingest's statements, e.g. 'cloud_service'. */
  kind: K;
  /** ResourceInfo.resource_type of a collect, e.g. 'inventory.CloudService'. */
  resourceType: string;
  /** The resource as the API names it (query messages), e.g. 'CloudService'. */
  resource: string;
  table: string;
  idColumn: string;
  /** Ids are `<prefix>-<12 hex>`. */
  idPrefix: string;
  /** A DELETED row stays (state, deleted_at) and is never matched again, unless expiresWhenUnseen. */
  softDelete: boolean;
  /**
   * With softDelete, for kinds that do not track collection (types, regions): a row no collect has
   * seen for a while becomes DELETED (retention/), and a collect that sees it again revives it
   * (ACTIVE, same id, so one row per identity, DELETED or not). A collect that sees a row unchanged
   * still moves its updated_at (at most every few minutes): updated_at tells when it was last seen.
   */
  expiresWhenUnseen?: boolean;
  /** The row records which collector and secret collected it, and takes part in disconnect detection. */
  tracksCollection: boolean;
  /** Created and updated rows count on the task (Cloudforet reports the other kinds as NOT_COUNT). */
  countedOnTask: boolean;
  /** Creates, updates and deletes are recorded in the change history (change_record). */
  keepsHistory: boolean;
  /**
   * Payload columns unique together with domain_id and workspace_id (Cloudforet's unique index).
   * A collect whose match rules find no row takes the row with the same values (so a row created
   * through the API, or under other rules, is matched, never doubled); an update never changes them;
   * the API refuses a second row with ALREADY_EXISTS.
   */
  naturalKey?: readonly string[];
  /**
   * The match rules a row created through the API gets its keys from, as if a plugin had sent it
   * with these rules (match-rules.ts): the first usable one is its identity, the others its
   * secondary keys. A collect whose first usable rule is any of them finds the row.
   */
  manualMatchRules: readonly (readonly string[])[];
  /**
   * Namespaces and metrics: Cloudforet ignores a plugin's match rules (the SDK sends `{}`) and
   * upserts by the resource's own id (idColumn, required in the resource) and `version`: the row
   * is keyed by the id (per domain), the id is the resource's, and only a different version
   * rewrites it (an unchanged version is no write, whatever else changed).
   */
  byIdAndVersion?: { versionField: string };
  /** Stored at domain level (workspace_id "*") whoever collects it, as Cloudforet's collect forces for namespaces and metrics. */
  domainWide?: boolean;
  /** The kind's own columns; the shared ones (identity, scope, hash, timestamps) are SHARED_COLUMNS. */
  columns: Record<string, ColumnDeclaration>;
  query: {
    /** API keys computed from the columns (trusted SQL) or renaming them. */
    expressions?: Record<string, FieldDefinition>;
    keywordFields: string[];
    defaultSort: SortKey[];
    minimalFields: string[];
    /** Key prefixes that filter through another resource (`ref_cloud_service_type.*`). */
    references?: Record<string, ReferenceDefinition>;
  };
}

/** A payload column: one a collect reads from the plugin's resource and writes. */
export interface PayloadColumn {
  name: string;
  type: 'text' | 'float8' | 'boolean' | 'jsonb';
  merge: boolean;
  byProvider: boolean;
  /** Part of the natural key: written on insert, never changed by an update. */
  insertOnly: boolean;
  read: ColumnReader;
}

export interface ResourceKindDeclaration<K extends string = string> extends ResourceKindDefinition<K> {
  /** Every column of the table: id, shared, own. */
  readonly allColumns: Readonly<Record<string, ColumnDeclaration>>;
  /** The columns a collect writes, in declaration order. */
  readonly payload: readonly PayloadColumn[];
  readonly querySchema: ResourceSchema;
  /** The payload row of a resource a plugin sent (column → value). Throws InvalidResource. */
  readRow(resource: Json): Json;
  /** byIdAndVersion: the resource's id and version (both required). Throws InvalidResource. */
  readIdAndVersion(resource: Json): { id: string; version: string };
}

/** The columns every resource table has: who it belongs to, how a collect finds it again, when. */
export const SHARED_COLUMNS: Readonly<Record<string, ColumnDeclaration>> = {
  domain_id: { sql: 'text' },
  workspace_id: { sql: 'text' },
  /** Hash of the domain, workspace and first usable match rule's keys and values (match-rules.ts). */
  identity_key: { sql: 'text', query: false },
  /** Hashes of the lower-priority match rules, tried when the identity matches nothing. */
  secondary_keys: { sql: 'text[]', query: false },
  /** Hash of the resource as the plugin last sent it: an unchanged resource is not rewritten. */
  content_hash: { sql: 'text', query: false },
  created_at: { sql: 'timestamptz' },
  updated_at: { sql: 'timestamptz' },
};

/** The columns a flag of the declaration needs, as ingest's statements use them. */
const COLUMNS_OF_FLAGS: { when: (kind: ResourceKindDefinition<string>) => boolean; columns: Record<string, ColumnSqlType> }[] = [
  { when: (kind) => kind.softDelete, columns: { state: 'text', deleted_at: 'timestamptz' } },
  {
    when: (kind) => kind.tracksCollection,
    columns: {
      collector_id: 'text',
      secret_id: 'text',
      service_account_id: 'text',
      project_id: 'text',
      collected_by_job: 'text',
      disconnected_count: 'int',
      last_collected_at: 'timestamptz',
    },
  },
  // who wrote the row last: a collector's id, or "manual"
  { when: (kind) => !kind.tracksCollection, columns: { updated_by: 'text' } },
  // who created the row (a collector's id, or "manual"): what a collect counted as created is its rows
  { when: (kind) => !!kind.byIdAndVersion, columns: { created_by: 'text' } },
];

const QUERY_TYPE_OF: Record<ColumnSqlType, FieldType> = {
  text: 'text',
  float8: 'float',
  int: 'int',
  boolean: 'bool',
  jsonb: 'jsonb-object',
  timestamptz: 'timestamptz',
  'text[]': 'text-array',
};

function queryFields(definition: ResourceKindDefinition<string>, columns: Record<string, ColumnDeclaration>): Record<string, FieldDefinition> {
  const fields: Record<string, FieldDefinition> = {};
  for (const [name, column] of Object.entries(columns)) {
    if (column.query === false) continue;
    const key = column.query?.key ?? name;
    fields[key] = {
      type: column.query?.type ?? QUERY_TYPE_OF[column.sql],
      ...(key === name ? {} : { column: name }),
      ...(column.query?.inResults === false ? { inResults: false } : {}),
    };
  }
  for (const [key, field] of Object.entries(definition.query.expressions ?? {})) {
    if (fields[key]) throw new Error(`resource kind ${definition.kind}: query key ${key} is declared twice`);
    fields[key] = field;
  }
  return fields;
}

/**
 * Checks a kind's declaration once, at startup, and derives what ingest and the query language
 * need from it. A bad declaration is a programming error: it throws a plain Error.
 */
export function defineResourceKind<K extends string>(definition: ResourceKindDefinition<K>): ResourceKindDeclaration<K> {
  const where = `resource kind ${definition.kind}`;
  for (const name of Object.keys(definition.columns)) {
    if (name === definition.idColumn || name in SHARED_COLUMNS) throw new Error(`${where}: ${name} is not the kind's own column`);
  }
  if (definition.expiresWhenUnseen && (!definition.softDelete || definition.tracksCollection)) {
    throw new Error(`${where}: expiresWhenUnseen needs softDelete, and a kind that does not track collection`);
  }
  for (const flag of COLUMNS_OF_FLAGS) {
    if (!flag.when(definition)) continue;
    for (const [name, sql] of Object.entries(flag.columns)) {
      const column = definition.columns[name];
      if (!column || column.sql !== sql || column.read) throw new Error(`${where}: needs a column ${name} (${sql}) the inventory keeps`);
    }
  }
  const payload: PayloadColumn[] = [];
  const naturalKey = definition.naturalKey ?? [];
  for (const [name, column] of Object.entries(definition.columns)) {
    if (column.merge && column.sql !== 'jsonb') throw new Error(`${where}: only a jsonb column merges (${name})`);
    if (column.byProvider && (column.sql !== 'jsonb' || column.merge || !definition.columns['provider']?.read)) {
      throw new Error(`${where}: a column by provider (${name}) is a jsonb column that does not merge, beside a provider column`);
    }
    if (!column.read) continue;
    if (column.sql !== 'text' && column.sql !== 'float8' && column.sql !== 'boolean' && column.sql !== 'jsonb') {
      throw new Error(`${where}: a collect cannot write a ${column.sql} column (${name})`);
    }
    payload.push({
      name,
      type: column.sql,
      merge: column.merge ?? false,
      byProvider: column.byProvider ?? false,
      insertOnly: naturalKey.includes(name) || (column.insertOnly ?? false),
      read: column.read,
    });
  }
  for (const name of naturalKey) {
    if (!payload.some((column) => column.name === name && column.type === 'text')) throw new Error(`${where}: natural key ${name} is not a text payload column`);
  }
  if (definition.manualMatchRules.length === 0) throw new Error(`${where}: needs the match rules of rows created through the API`);
  if (definition.byIdAndVersion && (definition.naturalKey?.length || definition.tracksCollection || definition.keepsHistory)) {
    throw new Error(`${where}: a kind upserted by id and version has no natural key, no collection tracking and no history`);
  }

  const allColumns: Record<string, ColumnDeclaration> = { [definition.idColumn]: { sql: 'text' }, ...definition.columns, ...SHARED_COLUMNS };
  const querySchema = defineResourceSchema({
    resource: definition.resource,
    table: definition.table,
    idKey: definition.idColumn,
    // a kind with projects (cloud services) hides other projects from a workspace member
    scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id', projectColumn: 'project_id' in allColumns ? 'project_id' : undefined },
    fields: queryFields(definition, allColumns),
    keywordFields: definition.query.keywordFields,
    defaultSort: definition.query.defaultSort,
    minimalFields: definition.query.minimalFields,
    references: definition.query.references,
  });

  return Object.freeze({
    ...definition,
    allColumns: Object.freeze(allColumns),
    payload: Object.freeze(payload),
    querySchema,
    readRow(resource: Json): Json {
      const row: Json = {};
      for (const column of payload) row[column.name] = column.read(resource);
      return row;
    },
    readIdAndVersion(resource: Json): { id: string; version: string } {
      const versionField = definition.byIdAndVersion?.versionField;
      if (!versionField) throw new Error(`${where}: not upserted by id and version`);
      return { id: String(text(definition.idColumn, { required: true })(resource)), version: String(text(versionField, { required: true })(resource)) };
    },
  });
}
