import { KeyScope, Operand, TableScope, checkJsonPath, keySegments } from './key-scope';
import { QueryError, showValue } from './query-error';
import { JsonRecord, aliased, checkText, isRecord } from './request-value';
import { SchemaReference } from './resource-schema';
import { ParamCast, SqlParams } from './sql-params';
import { ScalarType } from './sql-value';
import { parseIsoDateTime, parseTimediff } from './time-value';

/** Cloudforet's filter operators; `multi` ones take a list value, the others reject one. */
export const FILTER_OPERATORS = {
  eq: { multi: false },
  not: { multi: false },
  lt: { multi: false },
  lte: { multi: false },
  gt: { multi: false },
  gte: { multi: false },
  exists: { multi: false },
  contain: { multi: false },
  not_contain: { multi: false },
  in: { multi: true },
  not_in: { multi: true },
  contain_in: { multi: true },
  not_contain_in: { multi: true },
  match: { multi: false },
  regex: { multi: false },
  regex_in: { multi: true },
  datetime_lt: { multi: false },
  datetime_lte: { multi: false },
  datetime_gt: { multi: false },
  datetime_gte: { multi: false },
  timediff_lt: { multi: false },
  timediff_lte: { multi: false },
  timediff_gt: { multi: false },
  timediff_gte: { multi: false },
} as const;

export type FilterOperator = keyof typeof FILTER_OPERATORS;

/** The operators an aggregate `unwind.filter` / `match` stage accepts (case-sensitive contains there). */
export const STAGE_FILTER_OPERATORS: ReadonlySet<FilterOperator> = new Set([
  'eq',
  'not',
  'in',
  'not_in',
  'contain',
  'not_contain',
  'contain_in',
  'not_contain_in',
]);

/** The operators of a group field's `conditions`. */
export const CONDITION_OPERATORS: ReadonlySet<FilterOperator> = new Set(['eq', 'not', 'gt', 'gte', 'lt', 'lte']);

export const MAX_LIST_LENGTH = 10_000;
export const MAX_CONDITIONS = 500;

export interface FilterContext {
  readonly scope: KeyScope;
  readonly params: SqlParams;
  /** The clock for timediff values. */
  readonly now: Date;
  /** Restricts the operators (stage filters, group conditions); all when absent. */
  readonly operators?: ReadonlySet<FilterOperator>;
  /** contain* compare case-sensitively (aggregate stage filters do, as Cloudforet's regex there has no 'i'). */
  readonly caseSensitive?: boolean;
}

interface Condition {
  readonly operator: FilterOperator;
  readonly operand: Operand;
  readonly value: unknown;
  /** Where the condition sits in the request, for messages. */
  readonly where: string;
  readonly raw: JsonRecord;
}

type Comparison = 'lt' | 'lte' | 'gt' | 'gte';
const SQL_COMPARISON: Record<Comparison, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

function isOperator(name: string): name is FilterOperator {
  return Object.prototype.hasOwnProperty.call(FILTER_OPERATORS, name);
}

/** `filter` (ANDed) and `filter_or` (ORed), the two groups ANDed; undefined when both are empty. */
export function compileFilterGroups(
  context: FilterContext,
  filter: readonly unknown[],
  filterOr: readonly unknown[],
  where: string,
): string | undefined {
  if (filter.length + filterOr.length > MAX_CONDITIONS) {
    throw QueryError.invalid(where, `at most ${MAX_CONDITIONS} filter conditions are allowed`);
  }
  const parts: string[] = [];
  const and = filter.map((condition, index) => compileCondition(context, condition, `${where}.filter[${index}]`));
  const or = filterOr.map((condition, index) => compileCondition(context, condition, `${where}.filter_or[${index}]`));
  if (and.length > 0) parts.push(and.length === 1 ? and[0] : `(${and.join(' AND ')})`);
  if (or.length > 0) parts.push(or.length === 1 ? or[0] : `(${or.join(' OR ')})`);
  return parts.length === 0 ? undefined : parts.join(' AND ');
}

/** One `{key|k, value|v, operator|o}` condition → a boolean SQL expression (never NULL where it is negated). */
export function compileCondition(context: FilterContext, raw: unknown, where: string): string {
  if (!isRecord(raw)) throw QueryError.invalidType(where, 'dict');
  const key = aliased(raw, 'key', 'k');
  const value = aliased(raw, 'value', 'v');
  const operator = aliased(raw, 'operator', 'o');
  if (typeof operator !== 'string' || operator === '' || key === undefined || key === null || key === '') {
    throw QueryError.dbQuery(`Filter condition should have key, value and operator. (${showValue(raw)})`);
  }
  if (!isOperator(operator) || (context.operators !== undefined && !context.operators.has(operator))) {
    const supported = [...(context.operators ?? Object.keys(FILTER_OPERATORS))].join(', ');
    throw QueryError.dbQuery(`Filter operator is not supported. (operator = ${showValue(operator)}, supported = ${supported})`);
  }
  if (FILTER_OPERATORS[operator].multi) {
    if (!Array.isArray(value)) {
      throw QueryError.operatorValue('ERROR_OPERATOR_LIST_VALUE_TYPE', operator, 'must be a list type', raw);
    }
    if (value.length > MAX_LIST_LENGTH) {
      throw QueryError.invalid(`${where}.value`, `a list may hold at most ${MAX_LIST_LENGTH} values`);
    }
  } else if (Array.isArray(value)) {
    throw QueryError.operatorValue('ERROR_OPERATOR_VALUE_TYPE', operator, 'does not support list type', raw);
  }
  if (operator === 'exists' && typeof value !== 'boolean') {
    throw QueryError.operatorValue('ERROR_OPERATOR_BOOLEAN_TYPE', operator, 'must be a boolean type', raw);
  }
  if (operator === 'match' && !isRecord(value)) {
    throw QueryError.operatorValue('ERROR_OPERATOR_DICT_VALUE_TYPE', operator, 'must be a dictionary type', raw);
  }
  const referenced = context.scope.reference?.(key);
  if (referenced) return referenceCondition(context, raw, referenced.reference, referenced.key, operator, where);
  const operand = context.scope.resolve(key, `${where}.key`);
  const condition: Condition = { operator, operand, value, where, raw };
  switch (operand.kind) {
    case 'scalar':
      return scalarCondition(context, condition, operand);
    case 'text-array':
      return textArrayCondition(context, condition, operand.sql);
    case 'json':
      return jsonCondition(context, condition, operand);
  }
}

/**
 * `ref_x.<key> <op> <value>`: some row of the referenced resource, joined to this row, meets
 * `<key> <op> <value>`. As Cloudforet resolves these keys, `not` and `not_in` are the negation of
 * the positive test (`eq`, `in`): a row whose referenced row is missing matches them.
 */
function referenceCondition(
  context: FilterContext,
  raw: JsonRecord,
  reference: SchemaReference,
  key: string,
  operator: FilterOperator,
  where: string,
): string {
  const negated = operator === 'not' || operator === 'not_in';
  const positive: FilterOperator = operator === 'not' ? 'eq' : operator === 'not_in' ? 'in' : operator;
  const inner = compileCondition(
    { ...context, scope: new TableScope(reference.schema, new Map(), `${reference.name}.`) },
    { k: key, v: aliased(raw, 'value', 'v'), o: positive },
    where,
  );
  const exists = `EXISTS (SELECT 1 FROM ${reference.schema.table} AS ${reference.alias} WHERE ${reference.join} AND ${inner})`;
  return negated ? `NOT ${exists}` : exists;
}

function not(sql: string): string {
  return `NOT COALESCE(${sql}, FALSE)`;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** A value that reads as text for contain/regex: a string, or a number written out. */
function textOf(condition: Condition, value: unknown): string {
  if (typeof value === 'string') return checkText(value, `${condition.where}.value`);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw QueryError.invalidType(`${condition.where}.value`, 'str');
}

function timeValue(context: FilterContext, condition: Condition): string {
  const kind = condition.operator.startsWith('datetime_') ? 'datetime' : 'timediff';
  const text = typeof condition.value === 'string' ? condition.value : undefined;
  const date =
    text === undefined ? undefined : kind === 'datetime' ? parseIsoDateTime(text) : parseTimediff(text, context.now);
  if (date === undefined) {
    throw QueryError.dbQuery(
      kind === 'datetime'
        ? `The value of ${condition.operator} operator is required ISO 8601 format. (value = ${showValue(condition.value)})`
        : `The value of ${condition.operator} operator is invalid. (value = ${showValue(condition.value)})`,
    );
  }
  return date.toISOString();
}

function comparisonOf(operator: FilterOperator): Comparison {
  return operator.slice(operator.indexOf('_') + 1) as Comparison;
}

// ---------------------------------------------------------------------------------------------
// Scalar columns: plain comparisons on the column, so btree indexes apply.

const SCALAR_CAST: Record<ScalarType, ParamCast> = {
  text: 'text',
  int: 'int8',
  float: 'float8',
  numeric: 'numeric',
  bool: 'bool',
  timestamptz: 'timestamptz',
};

/** A request value as a parameter of the column's type; errors name the key and the type expected. */
function scalarValue(type: ScalarType, value: unknown, where: string): string | number | boolean {
  switch (type) {
    case 'text':
      if (typeof value === 'string') return checkText(value, where);
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw QueryError.invalidType(where, 'str');
    case 'int':
    case 'float':
    case 'numeric':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && /^-?\d{1,30}(\.\d{1,30})?$/.test(value.trim())) return Number(value);
      throw QueryError.invalidType(where, type === 'int' ? 'int' : 'float');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw QueryError.invalidType(where, 'bool');
    case 'timestamptz': {
      const date = typeof value === 'string' ? parseIsoDateTime(value) : undefined;
      if (date === undefined) throw QueryError.invalidType(where, 'datetime (ISO 8601)');
      return date.toISOString();
    }
  }
}

const INT_LIMIT = 2 ** 53 - 1;

function checkInt(value: number, where: string): number {
  if (Math.abs(value) > INT_LIMIT) throw QueryError.invalidType(where, 'int (out of range)');
  return value;
}

function scalarCondition(context: FilterContext, condition: Condition, operand: Extract<Operand, { kind: 'scalar' }>): string {
  const { params } = context;
  const { operator, value, where } = condition;
  const x = operand.sql;
  const type = operand.type;
  const cast = SCALAR_CAST[type];
  const valueWhere = `${where}.value`;

  switch (operator) {
    case 'eq':
    case 'not': {
      if (value === undefined || value === null) return operator === 'eq' ? `${x} IS NULL` : `${x} IS NOT NULL`;
      const v = scalarValue(type, value, valueWhere);
      if (type === 'int' && !Number.isInteger(v)) return operator === 'eq' ? 'FALSE' : 'TRUE';
      const p = params.add(type === 'int' ? checkInt(v as number, valueWhere) : v, cast);
      return operator === 'eq' ? `${x} = ${p}` : `${x} IS DISTINCT FROM ${p}`;
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (value === undefined || value === null) throw QueryError.invalidType(valueWhere, type);
      let v = scalarValue(type, value, valueWhere);
      if (type === 'int' && !Number.isInteger(v)) {
        // x < 1.5 ⇔ x < 2, x <= 1.5 ⇔ x <= 1 …: keep an integer parameter so the column's index applies
        v = operator === 'lt' || operator === 'gte' ? Math.ceil(v as number) : Math.floor(v as number);
      }
      if (type === 'int') checkInt(v as number, valueWhere);
      return `${x} ${SQL_COMPARISON[operator]} ${params.add(v, cast)}`;
    }
    case 'in':
    case 'not_in': {
      const list = value as unknown[];
      const hasNull = list.some((item) => item === null);
      let items = list.filter((item) => item !== null).map((item) => scalarValue(type, item, valueWhere));
      if (type === 'int') items = items.filter((item) => Number.isInteger(item)).map((item) => checkInt(item as number, valueWhere));
      const parts: string[] = [];
      if (items.length > 0) parts.push(`${x} = ANY(${params.add(items, `${cast}[]` as ParamCast)})`);
      if (hasNull) parts.push(`${x} IS NULL`);
      const sql = parts.length === 0 ? 'FALSE' : parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
      return operator === 'in' ? sql : not(sql);
    }
    case 'contain':
    case 'not_contain':
    case 'contain_in':
    case 'not_contain_in': {
      const text = textColumn(operand, condition);
      const like = context.caseSensitive ? 'LIKE' : 'ILIKE';
      const sql =
        operator === 'contain' || operator === 'not_contain'
          ? `${text} ${like} ${params.add(likePattern(textOf(condition, value)), 'text')}`
          : (value as unknown[]).length === 0
            ? 'FALSE'
            : `${text} ${like} ANY(${params.add((value as unknown[]).map((item) => likePattern(textOf(condition, item))), 'text[]')})`;
      return operator === 'contain' || operator === 'contain_in' ? sql : not(sql);
    }
    case 'regex':
      return `${textColumn(operand, condition)} ~* ${params.add(regexOf(condition, value), 'text')}`;
    case 'regex_in': {
      const list = value as unknown[];
      if (list.length === 0) return 'FALSE';
      return `${textColumn(operand, condition)} ~* ANY(${params.add(list.map((item) => regexOf(condition, item)), 'text[]')})`;
    }
    case 'exists':
      return value ? `${x} IS NOT NULL` : `${x} IS NULL`;
    case 'match':
      throw QueryError.invalid(operand.key, 'the match operator needs a list of objects');
    case 'datetime_lt':
    case 'datetime_lte':
    case 'datetime_gt':
    case 'datetime_gte':
    case 'timediff_lt':
    case 'timediff_lte':
    case 'timediff_gt':
    case 'timediff_gte':
      if (type !== 'timestamptz') throw QueryError.invalid(operand.key, `${operator} needs a datetime field`);
      return `${x} ${SQL_COMPARISON[comparisonOf(operator)]} ${params.add(timeValue(context, condition), 'timestamptz')}`;
  }
}

function textColumn(operand: Extract<Operand, { kind: 'scalar' }>, condition: Condition): string {
  switch (operand.type) {
    case 'text':
      return operand.sql;
    case 'int':
    case 'float':
    case 'numeric':
      return `(${operand.sql})::text`;
    case 'bool':
    case 'timestamptz':
      throw QueryError.invalid(operand.key, `${condition.operator} needs a text field`);
  }
}

const MAX_REGEX_LENGTH = 512;

function regexOf(condition: Condition, value: unknown): string {
  if (typeof value !== 'string') throw QueryError.invalidType(`${condition.where}.value`, 'str');
  checkText(value, `${condition.where}.value`);
  if (value.length > MAX_REGEX_LENGTH) throw QueryError.invalid(`${condition.where}.value`, 'the regular expression is too long');
  try {
    new RegExp(value);
  } catch {
    throw QueryError.invalid(`${condition.where}.value`, 'the regular expression is invalid');
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// text[] columns: array operators (@>, &&) a GIN index can serve; element tests otherwise.

function textArrayCondition(context: FilterContext, condition: Condition, x: string): string {
  const { params } = context;
  const { operator, value, where } = condition;
  const valueWhere = `${where}.value`;
  const text = (v: unknown) => scalarValue('text', v, valueWhere) as string;
  const element = (test: string) => `EXISTS (SELECT 1 FROM unnest(${x}) AS e(v) WHERE ${test})`;
  const like = context.caseSensitive ? 'LIKE' : 'ILIKE';

  switch (operator) {
    case 'eq':
    case 'not': {
      const sql = value === undefined || value === null ? `${x} IS NULL` : `${x} @> ARRAY[${params.add(text(value), 'text')}]`;
      return operator === 'eq' ? sql : not(sql);
    }
    case 'in':
    case 'not_in': {
      const list = value as unknown[];
      const items = list.filter((item) => item !== null).map(text);
      const parts: string[] = [];
      if (items.length > 0) parts.push(`${x} && ${params.add(items, 'text[]')}`);
      if (items.length < list.length) parts.push(`${x} IS NULL`);
      const sql = parts.length === 0 ? 'FALSE' : parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
      return operator === 'in' ? sql : not(sql);
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (value === undefined || value === null) throw QueryError.invalidType(valueWhere, 'str');
      return element(`e.v ${SQL_COMPARISON[operator]} ${params.add(text(value), 'text')}`);
    case 'contain':
    case 'not_contain': {
      const sql = element(`e.v ${like} ${params.add(likePattern(textOf(condition, value)), 'text')}`);
      return operator === 'contain' ? sql : not(sql);
    }
    case 'contain_in':
    case 'not_contain_in': {
      const list = value as unknown[];
      const sql =
        list.length === 0
          ? 'FALSE'
          : element(`e.v ${like} ANY(${params.add(list.map((item) => likePattern(textOf(condition, item))), 'text[]')})`);
      return operator === 'contain_in' ? sql : not(sql);
    }
    case 'regex':
      return element(`e.v ~* ${params.add(regexOf(condition, value), 'text')}`);
    case 'regex_in': {
      const list = value as unknown[];
      return list.length === 0 ? 'FALSE' : element(`e.v ~* ANY(${params.add(list.map((item) => regexOf(condition, item)), 'text[]')})`);
    }
    case 'exists':
      return value ? `${x} IS NOT NULL` : `${x} IS NULL`;
    case 'match':
    case 'datetime_lt':
    case 'datetime_lte':
    case 'datetime_gt':
    case 'datetime_gte':
    case 'timediff_lt':
    case 'timediff_lte':
    case 'timediff_gt':
    case 'timediff_gte':
      throw QueryError.invalid(condition.operand.key, `${operator} does not apply to a list of strings`);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON values: a jsonpath built here from checked path segments and JSON literals, bound as one
// parameter and tested with `@?` (lax mode: arrays along the path and at the leaf are searched, as
// Mongo does; a GIN index on the column serves `==` tests).

type JsonScalar = string | number | boolean | null;

function isJsonScalar(value: unknown): value is JsonScalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function jsonLiteral(value: JsonScalar, where: string): string {
  if (typeof value === 'string') checkText(value, where);
  return JSON.stringify(value);
}

/** A checked path segment as a jsonpath accessor: digits address an array position (`disks.0`), the rest a key. */
function accessor(segment: string): string {
  return /^\d{1,9}$/.test(segment) ? `[${Number(segment)}]` : `.${JSON.stringify(segment)}`;
}

function jsonPathOf(path: readonly string[]): string {
  return `$${path.map(accessor).join('')}`;
}

function jsonCondition(context: FilterContext, condition: Condition, operand: Extract<Operand, { kind: 'json' }>): string {
  const { params } = context;
  const { operator, value, where } = condition;
  const valueWhere = `${where}.value`;
  const root = operand.root;
  const prefix = jsonPathOf(operand.path);
  const exists = (test?: string) =>
    `(${root} @? ${params.add(test === undefined ? prefix : `${prefix} ? (${test})`, 'jsonpath')})`;
  const at = () => (operand.path.length === 0 ? root : `(${root} #> ${params.add(operand.path, 'text[]')})`);
  const missingOrNull = () =>
    operand.path.length === 0 ? `(${root} IS NULL OR ${root} = 'null'::jsonb)` : `(${not(exists())} OR ${exists('@ == null')})`;
  const containFlag = context.caseSensitive ? 'q' : 'iq';

  /** `eq` for each value of a list, ORed: scalars in one jsonpath, objects/arrays compared whole. */
  const equalsAny = (list: readonly unknown[]): string => {
    const scalars = list.filter((item): item is Exclude<JsonScalar, null> => item !== null && isJsonScalar(item));
    const others = list.filter((item) => item !== null && !isJsonScalar(item));
    const parts: string[] = [];
    if (scalars.length > 0) {
      scalars.forEach((item) => jsonLiteral(item, valueWhere));
      if (operand.arrayColumn && scalars.length === 1) parts.push(`${root} @> ${params.addJson(scalars)}`);
      else parts.push(exists(scalars.map((item) => `@ == ${jsonLiteral(item, valueWhere)}`).join(' || ')));
    }
    if (others.length > 0) {
      others.forEach((item) => checkJsonValue(item, valueWhere));
      parts.push(`${at()} = ANY(${params.add(others.map((item) => JSON.stringify(item)), 'jsonb[]')})`);
    }
    if (list.some((item) => item === null)) parts.push(missingOrNull());
    return parts.length === 0 ? 'FALSE' : parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  };

  const containTest = (item: unknown, regex: boolean): string => {
    if (regex) return `@ like_regex ${jsonLiteral(regexOf(condition, item), valueWhere)} flag "i"`;
    if (typeof item === 'string') return `@ like_regex ${jsonLiteral(item, valueWhere)} flag "${containFlag}"`;
    // Cloudforet: contain on a non-string value degrades to membership (`schedule.hours contain 5`)
    if (typeof item === 'number' || typeof item === 'boolean') return `@ == ${jsonLiteral(item, valueWhere)}`;
    throw QueryError.invalidType(valueWhere, 'str');
  };

  switch (operator) {
    case 'eq':
    case 'not': {
      const sql = equalsAny([value === undefined ? null : value]);
      return operator === 'eq' ? sql : not(sql);
    }
    case 'in':
    case 'not_in': {
      const sql = equalsAny(value as unknown[]);
      return operator === 'in' ? sql : not(sql);
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        throw QueryError.invalidType(valueWhere, 'number or str');
      }
      return exists(`@ ${SQL_COMPARISON[operator]} ${jsonLiteral(value, valueWhere)}`);
    case 'contain':
    case 'not_contain': {
      const sql = exists(containTest(value, false));
      return operator === 'contain' ? sql : not(sql);
    }
    case 'contain_in':
    case 'not_contain_in': {
      const list = value as unknown[];
      const sql = list.length === 0 ? 'FALSE' : exists(list.map((item) => containTest(item, false)).join(' || '));
      return operator === 'contain_in' ? sql : not(sql);
    }
    case 'regex':
      return exists(containTest(value, true));
    case 'regex_in': {
      const list = value as unknown[];
      return list.length === 0 ? 'FALSE' : exists(list.map((item) => containTest(item, true)).join(' || '));
    }
    case 'exists': {
      const sql = operand.path.length === 0 ? `${root} IS NOT NULL` : exists();
      return value ? sql : not(sql);
    }
    case 'match': {
      const entries = Object.entries(value as JsonRecord);
      if (entries.length === 0) {
        throw QueryError.operatorValue('ERROR_OPERATOR_DICT_VALUE_TYPE', operator, 'must be a non-empty dictionary', condition.raw);
      }
      const tests = entries.map(([subKey, subValue]) => {
        const segments = keySegments(subKey, `${valueWhere}.${subKey}`);
        checkJsonPath(subKey, segments);
        if (!isJsonScalar(subValue)) throw QueryError.invalidType(`${valueWhere}.${subKey}`, 'str, number, bool or null');
        return `@${segments.map(accessor).join('')} == ${jsonLiteral(subValue, valueWhere)}`;
      });
      return exists(tests.join(' && '));
    }
    case 'datetime_lt':
    case 'datetime_lte':
    case 'datetime_gt':
    case 'datetime_gte':
    case 'timediff_lt':
    case 'timediff_lte':
    case 'timediff_gt':
    case 'timediff_gte': {
      const test = `@.datetime() ${SQL_COMPARISON[comparisonOf(operator)]} ${JSON.stringify(timeValue(context, condition))}.datetime()`;
      return `jsonb_path_exists_tz(${root}, ${params.add(`${prefix} ? (${test})`, 'jsonpath')}, '{}'::jsonb, true)`;
    }
  }
}

const MAX_JSON_VALUE_DEPTH = 16;

/** A nested JSON value bound as jsonb: finite numbers, storable strings and keys, bounded depth. */
export function checkJsonValue(value: unknown, where: string, depth = 0): void {
  if (depth > MAX_JSON_VALUE_DEPTH) throw QueryError.invalid(where, 'the value is nested too deeply');
  if (typeof value === 'string') {
    checkText(value, where);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw QueryError.invalidType(where, 'number');
  } else if (Array.isArray(value)) {
    value.forEach((item) => checkJsonValue(item, where, depth + 1));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkText(key, where);
      checkJsonValue(item, where, depth + 1);
    }
  } else if (value !== null && typeof value !== 'boolean') {
    throw QueryError.invalidType(where, 'JSON value');
  }
}
