/**
 * What the query compiler knows about one resource: its table, how API keys map to columns, and
 * the defaults Cloudforet's model declares (ordering, minimal fields, keyword fields, page cap).
 * Everything here is written by us in code; nothing in it ever comes from a request.
 */

/** How a field is stored. `jsonb-object` and `jsonb-array` fields accept sub-paths (`data.compute.az`). */
export type FieldType = 'text' | 'int' | 'float' | 'bool' | 'timestamptz' | 'jsonb-object' | 'jsonb-array' | 'text-array';

export interface FieldDefinition {
  type: FieldType;
  /** The column; defaults to the API key when the key is a plain identifier. */
  column?: string;
  /**
   * Or a trusted SQL expression over the table's columns, unqualified, e.g. `reference->>'resource_id'`.
   * It is used in WHERE, ORDER BY and GROUP BY as written.
   */
  sql?: string;
  /** Part of a result row when the query has no `only`/`minimal`. Default true; false for aliases. */
  inResults?: boolean;
}

export interface SortKey {
  key: string;
  desc?: boolean;
}

/**
 * A key prefix that filters through another resource (Cloudforet's `ref_cloud_service_type.<field>`):
 * a condition on `<name>.<field>` holds when a row of the referenced resource joined to this row
 * meets `<field> <operator> <value>`. Compiled to a parameterised `EXISTS` semi-join.
 */
export interface ReferenceDefinition {
  /** The referenced resource; its keys are resolved against it. It may have no references itself. */
  schema: ResourceSchema;
  /** The join, as this table's column → the referenced table's column (plain identifiers, scope columns included). */
  on: Readonly<Record<string, string>>;
  /** A trusted SQL condition over the referenced table's columns, unqualified, e.g. `state <> 'DELETED'`. */
  where?: string;
}

export interface ResourceSchemaDefinition {
  /** Name used in messages, e.g. "Job". */
  resource: string;
  /** Table name, a plain identifier. */
  table: string;
  /** API key of the primary key; the tiebreaker appended to every sort. */
  idKey: string;
  /** Scope columns; every query is first restricted by them. */
  scope: { domainColumn: string; workspaceColumn?: string; projectColumn?: string };
  /** API key → field. A bare type is shorthand for `{ type }` with the column named like the key. */
  fields: Record<string, FieldType | FieldDefinition>;
  /** Fields searched by `keyword` (Cloudforet's `append_keyword_filter`). */
  keywordFields?: string[];
  /** Ordering without `sort` (the model's `ordering`), e.g. `[{ key: 'created_at', desc: true }]`. */
  defaultSort?: SortKey[];
  /** Fields returned for `minimal: true`. */
  minimalFields?: string[];
  /** Cap on `page.limit` (Cloudforet's `set_query_page_limit`). Default 1000. */
  pageLimit?: number;
  /** Key prefixes that filter through another resource, e.g. `ref_cloud_service_type`. Filters only. */
  references?: Record<string, ReferenceDefinition>;
}

/** A reference, checked, with its join written once. */
export interface SchemaReference {
  readonly name: string;
  readonly schema: ResourceSchema;
  /**
   * The referenced table's alias in the subquery and the join condition over it and this table,
   * e.g. `"__ref"."group" = "cloud_service"."cloud_service_group" AND …`.
   */
  readonly alias: string;
  readonly join: string;
}

export interface SchemaField {
  readonly key: string;
  readonly segments: readonly string[];
  readonly type: FieldType;
  /** Ready-to-use SQL: a quoted column or the trusted expression in parentheses. */
  readonly sql: string;
  readonly inResults: boolean;
}

export interface ResourceSchema {
  readonly resource: string;
  /** Quoted table name. */
  readonly table: string;
  readonly idKey: string;
  readonly domainColumn: string;
  readonly workspaceColumn: string | undefined;
  readonly projectColumn: string | undefined;
  readonly fields: ReadonlyMap<string, SchemaField>;
  readonly keywordFields: readonly string[];
  readonly defaultSort: readonly Required<SortKey>[];
  readonly minimalFields: readonly string[];
  readonly pageLimit: number;
  readonly references: ReadonlyMap<string, SchemaReference>;
}

/** The referenced table's alias inside a reference's subquery. */
const REFERENCE_ALIAS = '__ref';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const API_KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Not a plain SQL identifier: ${name}`);
  }
  return `"${name}"`;
}

/** Validates a definition once, at startup. A bad definition is a programming error: it throws a plain Error. */
export function defineResourceSchema(definition: ResourceSchemaDefinition): ResourceSchema {
  const where = `schema ${definition.resource}`;
  const fields = new Map<string, SchemaField>();
  for (const [key, spec] of Object.entries(definition.fields)) {
    if (!API_KEY.test(key)) throw new Error(`${where}: invalid field key ${key}`);
    const field: FieldDefinition = typeof spec === 'string' ? { type: spec } : spec;
    if (field.column !== undefined && field.sql !== undefined) throw new Error(`${where}: ${key} has both column and sql`);
    let sql: string;
    if (field.sql !== undefined) {
      if (field.sql.trim() === '' || field.sql.includes(';')) throw new Error(`${where}: ${key} has an unusable sql expression`);
      sql = `(${field.sql})`;
    } else {
      const column = field.column ?? key;
      if (!IDENTIFIER.test(column)) throw new Error(`${where}: ${key} needs a column or sql (${column} is not an identifier)`);
      sql = quoteIdentifier(column);
    }
    fields.set(key, { key, segments: key.split('.'), type: field.type, sql, inResults: field.inResults ?? true });
  }

  const known = (key: string, what: string) => {
    if (!fields.has(key)) throw new Error(`${where}: ${what} ${key} is not a field`);
  };
  known(definition.idKey, 'idKey');
  const keywordFields = definition.keywordFields ?? [];
  keywordFields.forEach((key) => known(key, 'keyword field'));
  const minimalFields = definition.minimalFields ?? [];
  minimalFields.forEach((key) => known(key, 'minimal field'));
  const defaultSort = (definition.defaultSort ?? []).map((sort) => {
    known(sort.key, 'sort key');
    return { key: sort.key, desc: sort.desc ?? false };
  });
  const pageLimit = definition.pageLimit ?? 1000;
  if (!Number.isInteger(pageLimit) || pageLimit < 1) throw new Error(`${where}: pageLimit must be a positive integer`);
  const table = quoteIdentifier(definition.table);
  const references = new Map<string, SchemaReference>();
  for (const [name, reference] of Object.entries(definition.references ?? {})) {
    if (!IDENTIFIER.test(name)) throw new Error(`${where}: reference ${name} is not a plain identifier`);
    if ([...fields.keys()].some((key) => key.split('.')[0] === name)) throw new Error(`${where}: reference ${name} is also a field`);
    if (reference.schema.references.size > 0) throw new Error(`${where}: reference ${name} refers to a resource with references`);
    const pairs = Object.entries(reference.on);
    if (pairs.length === 0) throw new Error(`${where}: reference ${name} has no join columns`);
    const alias = quoteIdentifier(REFERENCE_ALIAS);
    const join = pairs.map(([own, theirs]) => `${alias}.${quoteIdentifier(theirs)} = ${table}.${quoteIdentifier(own)}`);
    if (reference.where !== undefined) {
      if (reference.where.trim() === '' || reference.where.includes(';')) throw new Error(`${where}: reference ${name} has an unusable where`);
      join.push(`(${reference.where})`);
    }
    references.set(name, Object.freeze({ name, schema: reference.schema, alias, join: join.join(' AND ') }));
  }

  return Object.freeze({
    resource: definition.resource,
    table,
    idKey: definition.idKey,
    domainColumn: quoteIdentifier(definition.scope.domainColumn),
    workspaceColumn:
      definition.scope.workspaceColumn === undefined ? undefined : quoteIdentifier(definition.scope.workspaceColumn),
    projectColumn: definition.scope.projectColumn === undefined ? undefined : quoteIdentifier(definition.scope.projectColumn),
    fields,
    keywordFields: Object.freeze([...keywordFields]),
    defaultSort: Object.freeze(defaultSort),
    minimalFields: Object.freeze([...minimalFields]),
    pageLimit,
    references,
  });
}
