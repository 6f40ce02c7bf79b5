/** A SQL expression together with the PostgreSQL type it evaluates to. */
export type ScalarType = 'text' | 'int' | 'float' | 'numeric' | 'bool' | 'timestamptz';
export type SqlType = ScalarType | 'jsonb' | 'text[]';

export interface SqlValue {
  readonly sql: string;
  readonly type: SqlType;
}

/** ISO-8601 in UTC with milliseconds, the way Cloudforet renders times ("2022-06-17T08:00:01.225Z"). */
export const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export function isoText(sql: string): string {
  return `to_char((${sql}) AT TIME ZONE 'UTC', ${ISO_FORMAT})`;
}

/** The value as jsonb, times as ISO strings. */
export function toJsonb(value: SqlValue): string {
  switch (value.type) {
    case 'jsonb':
      return value.sql;
    case 'timestamptz':
      return `to_jsonb(${isoText(value.sql)})`;
    case 'text':
    case 'int':
    case 'float':
    case 'numeric':
    case 'bool':
    case 'text[]':
      return `to_jsonb(${value.sql})`;
  }
}

/** The value as numeric, NULL when it is not a number (Mongo's $sum/$avg skip non-numbers). */
export function toNumeric(value: SqlValue): string {
  switch (value.type) {
    case 'int':
    case 'float':
    case 'numeric':
      return `(${value.sql})::numeric`;
    case 'jsonb':
      return `(CASE WHEN jsonb_typeof(${value.sql}) = 'number' THEN (${value.sql})::numeric END)`;
    case 'text':
    case 'bool':
    case 'timestamptz':
    case 'text[]':
      return 'NULL::numeric';
  }
}

/** The elements of a jsonb value: an array's items, a single non-null value as itself, nothing for null. */
export function jsonbElements(sql: string): string {
  return (
    `jsonb_array_elements(CASE WHEN jsonb_typeof(${sql}) = 'array' THEN ${sql} ` +
    `WHEN ${sql} IS NULL OR jsonb_typeof(${sql}) = 'null' THEN '[]'::jsonb ELSE jsonb_build_array(${sql}) END)`
  );
}
