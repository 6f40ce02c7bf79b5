/** The casts a bound parameter may carry; all of them written here, none from a request. */
export type ParamCast =
  | 'text'
  | 'int8'
  | 'float8'
  | 'numeric'
  | 'bool'
  | 'timestamptz'
  | 'jsonb'
  | 'jsonpath'
  | 'text[]'
  | 'int8[]'
  | 'float8[]'
  | 'numeric[]'
  | 'bool[]'
  | 'timestamptz[]'
  | 'jsonb[]';

/** Collects bound parameters; every value from a request goes through here, never into the SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast: ParamCast): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  /** A JSON value as a jsonb parameter (serialised here, so arrays are not mistaken for SQL arrays). */
  addJson(value: unknown): string {
    return this.add(JSON.stringify(value), 'jsonb');
  }
}
