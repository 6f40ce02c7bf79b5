import { ResultColumn } from './compiled-query';
import { CONDITION_OPERATORS, FilterContext, STAGE_FILTER_OPERATORS, compileCondition } from './filter-compiler';
import { KeyScope, RowScope, TableScope, operandValue } from './key-scope';
import { QueryError, showValue } from './query-error';
import { sortKeys } from './query-parts';
import {
  JsonRecord,
  aliased,
  checkText,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalList,
  optionalRecord,
} from './request-value';
import { SqlParams } from './sql-params';
import { SqlValue, jsonbElements, toJsonb, toNumeric } from './sql-value';

/**
 * Cloudforet's aggregate stages over SQL. Each stage is one CTE reading the previous one; stage
 * outputs are named columns (aliases c0, c1, … made here) and the names from the request live only
 * in this compiler's bookkeeping, so nothing from a request reaches the SQL text.
 */

/** A named column of a stage's rows. */
export interface StageColumn {
  /** The name in the request and in results (a group key or field name; dotted for an unwound sub-path). */
  readonly name: string;
  readonly alias: string;
  readonly type: SqlValue['type'];
}

/** The rows a stage reads: the filtered table (before any group/project/count) or an earlier stage's output. */
export type RowSet =
  | { readonly kind: 'table'; readonly cte: string; readonly scope: TableScope; readonly order?: string }
  | {
      readonly kind: 'rows';
      readonly cte: string;
      readonly columns: readonly StageColumn[];
      /** Names produced as group keys (kept by project unless exclude_keys). */
      readonly groupKeys: ReadonlySet<string>;
      readonly order?: string;
    };

export const GROUP_OPERATORS = [
  'count',
  'sum',
  'average',
  'max',
  'min',
  'first',
  'last',
  'push',
  'add_to_set',
  'merge_objects',
] as const;
export type GroupOperator = (typeof GROUP_OPERATORS)[number];

export const PROJECT_OPERATORS = [
  'size',
  'sum',
  'add',
  'subtract',
  'multiply',
  'divide',
  'array_to_object',
  'object_to_array',
] as const;

export const MAX_STAGES = 32;
export const MAX_STAGE_ITEMS = 64;
const MAX_ARITHMETIC_DEPTH = 8;
const MAX_ARITHMETIC_OPERANDS = 64;
const NAME_MAX = 128;

export class Pipeline {
  private readonly ctes: string[] = [];
  private aliasCount = 0;

  constructor(
    readonly params: SqlParams,
    readonly now: Date,
  ) {}

  cte(body: string): string {
    const name = `s${this.ctes.length}`;
    this.ctes.push(`${name} AS (${body})`);
    return name;
  }

  alias(prefix = 'c'): string {
    return `${prefix}${this.aliasCount++}`;
  }

  /** `WITH s0 AS (…), s1 AS (…) <select>`. */
  with(select: string): string {
    return `WITH ${this.ctes.join(', ')} ${select}`;
  }
}

export function scopeOf(rows: RowSet): KeyScope {
  if (rows.kind === 'table') return rows.scope;
  return new RowScope(new Map(rows.columns.map((column) => [column.name, { sql: column.alias, type: column.type }])));
}

function filterContextOf(pipeline: Pipeline, rows: RowSet, operators?: FilterContext['operators']): FilterContext {
  return { scope: scopeOf(rows), params: pipeline.params, now: pipeline.now, operators, caseSensitive: operators !== undefined };
}

function orderClause(rows: RowSet, descending = false): string {
  return rows.order === undefined ? '' : ` ORDER BY ${rows.order}${descending ? ' DESC' : ''}`;
}

/** A stage name or field name from a request: text, no dots, not `$…`. */
export function checkName(value: unknown, where: string): string {
  if (value === undefined || value === null || value === '') throw QueryError.dbQuery(`'${where}' requires a name`);
  if (typeof value !== 'string') throw QueryError.invalidType(where, 'str');
  checkText(value, where);
  if (value.length > NAME_MAX || value.includes('.') || value.startsWith('$')) {
    throw QueryError.invalid(where, `names are at most ${NAME_MAX} characters, without "." and not starting with "$"`);
  }
  return value;
}

function uniqueNames(names: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw QueryError.invalid(where, `the name ${showValue(name)} is used twice`);
    seen.add(name);
  }
}

function stageList(value: unknown, where: string, required: boolean): unknown[] {
  const list = optionalList(value, where);
  if (list.length > MAX_STAGE_ITEMS) throw QueryError.invalid(where, `at most ${MAX_STAGE_ITEMS} entries are allowed`);
  if (required && list.length === 0) throw QueryError.required(where);
  return list;
}

function entryRecord(value: unknown, where: string): JsonRecord {
  if (!isRecord(value)) throw QueryError.invalidType(where, 'dict');
  return value;
}

/** Runs the `aggregate` stages in order. */
export function compileStages(pipeline: Pipeline, input: RowSet, stages: readonly unknown[], where: string): RowSet {
  if (stages.length > MAX_STAGES) throw QueryError.invalid(where, `at most ${MAX_STAGES} stages are allowed`);
  let rows = input;
  stages.forEach((raw, index) => {
    const at = `${where}[${index}]`;
    const stage = entryRecord(raw, at);
    const present = Object.keys(stage).filter((name) => stage[name] !== undefined && stage[name] !== null);
    if (present.length !== 1) {
      throw QueryError.required(`${at}: one of unwind, group, count, sort, project, limit, skip, match`);
    }
    const name = present[0];
    const spec = stage[name];
    switch (name) {
      case 'unwind':
        rows = unwindStage(pipeline, rows, spec, `${at}.unwind`);
        break;
      case 'group':
        rows = groupStage(pipeline, rows, spec, `${at}.group`);
        break;
      case 'count':
        rows = countStage(pipeline, rows, spec, `${at}.count`);
        break;
      case 'sort':
        rows = sortStage(pipeline, rows, sortKeys(spec, `${at}.sort`));
        break;
      case 'project':
        rows = projectStage(pipeline, rows, spec, `${at}.project`);
        break;
      case 'limit':
      case 'skip':
        rows = limitStage(pipeline, rows, name, spec, `${at}.${name}`);
        break;
      case 'match':
        rows = matchStage(pipeline, rows, spec, `${at}.match`);
        break;
      default:
        throw QueryError.invalid(at, `the stage ${showValue(name)} is not supported`);
    }
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------

/** `{path, filter?}`: one row per element of the array at `path` (rows without one are dropped). */
export function unwindStage(pipeline: Pipeline, input: RowSet, spec: unknown, where: string): RowSet {
  const unwind = optionalRecord(spec, where);
  const path = unwind?.['path'];
  if (path === undefined || path === null || path === '') throw QueryError.required(`${where}.path`);
  const value = operandValue(scopeOf(input).resolve(path, `${where}.path`), pipeline.params);
  const pathName = path as string;
  const alias = pipeline.alias();
  const order = input.order === undefined ? undefined : pipeline.alias('o');
  const ordered = order === undefined ? '' : `, row_number() OVER (ORDER BY p.${input.order}, u.__ord) AS ${order}`;
  let body: string;
  let type: SqlValue['type'];
  if (value.type === 'jsonb') {
    body = `SELECT p.*, u.__value AS ${alias}${ordered} FROM ${input.cte} AS p CROSS JOIN LATERAL ${jsonbElements(value.sql)} WITH ORDINALITY AS u(__value, __ord)`;
    type = 'jsonb';
  } else if (value.type === 'text[]') {
    body = `SELECT p.*, u.__value AS ${alias}${ordered} FROM ${input.cte} AS p CROSS JOIN LATERAL unnest(${value.sql}) WITH ORDINALITY AS u(__value, __ord)`;
    type = 'text';
  } else {
    // a single value unwinds to itself (Mongo treats a non-array as a one-element array)
    const single = order === undefined ? '' : `, ${input.order} AS ${order}`;
    body = `SELECT p.*, ${value.sql} AS ${alias}${single} FROM ${input.cte} AS p WHERE ${value.sql} IS NOT NULL`;
    type = value.type;
  }
  const cte = pipeline.cte(body);
  let rows: RowSet;
  if (input.kind === 'table') {
    rows = { kind: 'table', cte, scope: input.scope.withOverride(pathName, { sql: alias, type }), order };
  } else {
    const columns = input.columns.filter((column) => column.name !== pathName);
    rows = { ...input, cte, columns: [...columns, { name: pathName, alias, type }], order };
  }
  const filter = optionalList(unwind?.['filter'], `${where}.filter`);
  return filter.length === 0 ? rows : filtered(pipeline, rows, filter, `${where}.filter`);
}

function filtered(pipeline: Pipeline, rows: RowSet, filter: readonly unknown[], where: string): RowSet {
  if (filter.length > MAX_STAGE_ITEMS) throw QueryError.invalid(where, `at most ${MAX_STAGE_ITEMS} conditions are allowed`);
  const context = filterContextOf(pipeline, rows, STAGE_FILTER_OPERATORS);
  const conditions = filter.map((condition, index) => compileCondition(context, condition, `${where}[${index}]`));
  const cte = pipeline.cte(`SELECT * FROM ${rows.cte} WHERE ${conditions.join(' AND ')}`);
  return { ...rows, cte };
}

/** `{filter: [...]}` with the unwind filter's operators (Cloudforet accepts it through Struct/REST). */
function matchStage(pipeline: Pipeline, input: RowSet, spec: unknown, where: string): RowSet {
  const match = optionalRecord(spec, where);
  const filter = stageList(match?.['filter'], `${where}.filter`, true);
  return filtered(pipeline, input, filter, `${where}.filter`);
}

// ---------------------------------------------------------------------------------------------

/** `{keys: [{key, name, date_format?}], fields: [{key?, name, operator, fields?, conditions?, data_type?}]}`. */
export function groupStage(pipeline: Pipeline, input: RowSet, spec: unknown, where: string): RowSet {
  const group = optionalRecord(spec, where) ?? {};
  const keys = stageList(group['keys'], `${where}.keys`, false);
  const fields = stageList(group['fields'], `${where}.fields`, false);
  if (keys.length === 0 && fields.length === 0) throw QueryError.required(`${where}.keys || ${where}.fields`);
  const scope = scopeOf(input);
  const { params } = pipeline;
  const select: string[] = [];
  const columns: StageColumn[] = [];
  const merges: StageColumn[] = [];

  keys.forEach((raw, index) => {
    const at = `${where}.keys[${index}]`;
    const entry = entryRecord(raw, at);
    const key = aliased(entry, 'key', 'k');
    if (key === undefined || key === null || key === '') throw QueryError.dbQuery(`'aggregate.group.keys' condition requires a key: ${showValue(entry)}`);
    const name = checkName(aliased(entry, 'name', 'n'), `${at}.name`);
    let value = operandValue(scope.resolve(key, `${at}.key`), params);
    const format = entry['date_format'];
    if (format !== undefined && format !== null && format !== '') value = dateFormatted(value, format, params, `${at}.date_format`);
    const alias = pipeline.alias();
    select.push(`${value.sql} AS ${alias}`);
    columns.push({ name, alias, type: value.type });
  });

  fields.forEach((raw, index) => {
    const at = `${where}.fields[${index}]`;
    const entry = entryRecord(raw, at);
    const name = checkName(aliased(entry, 'name', 'n'), `${at}.name`);
    const operator = aliased(entry, 'operator', 'o');
    if (typeof operator !== 'string' || !(GROUP_OPERATORS as readonly string[]).includes(operator)) {
      throw QueryError.dbQuery(
        `'aggregate.group.fields' condition's ${showValue(operator)} operator is not supported. (supported_operator = ${GROUP_OPERATORS.join(', ')})`,
      );
    }
    const aggregate = groupAggregate(pipeline, input, scope, entry, operator as GroupOperator, at);
    const alias = pipeline.alias();
    const column = { name, alias, type: aggregate.type };
    select.push(`${aggregate.sql} AS ${alias}`);
    if (operator === 'merge_objects') merges.push(column);
    columns.push(column);
  });
  uniqueNames(columns.map((column) => column.name), where);

  const grouping =
    keys.length > 0 ? ` GROUP BY ${keys.map((_, index) => index + 1).join(', ')}` : ' HAVING count(*) > 0';
  let cte = pipeline.cte(`SELECT ${select.join(', ')} FROM ${input.cte}${grouping}`);
  let finalColumns = columns;
  if (merges.length > 0) {
    // merge_objects: the objects were collected in order; merge them key by key, later ones winning
    const merged = new Map(merges.map((merge) => [merge.alias, pipeline.alias()]));
    const outer = columns.map((column) => {
      const target = merged.get(column.alias);
      return target === undefined
        ? column.alias
        : `(SELECT COALESCE(jsonb_object_agg(e.key, e.value ORDER BY a.__ord), '{}'::jsonb) ` +
            `FROM jsonb_array_elements(${column.alias}) WITH ORDINALITY AS a(__obj, __ord) CROSS JOIN LATERAL jsonb_each(a.__obj) AS e) AS ${target}`;
    });
    cte = pipeline.cte(`SELECT ${outer.join(', ')} FROM ${cte}`);
    finalColumns = columns.map((column) => ({ ...column, alias: merged.get(column.alias) ?? column.alias }));
  }
  return { kind: 'rows', cte, columns: finalColumns, groupKeys: new Set(columns.slice(0, keys.length).map((column) => column.name)) };
}

function groupAggregate(
  pipeline: Pipeline,
  input: RowSet,
  scope: KeyScope,
  entry: JsonRecord,
  operator: GroupOperator,
  where: string,
): SqlValue {
  const { params } = pipeline;
  const conditions = optionalList(entry['conditions'], `${where}.conditions`);
  if (conditions.length > 0 && !['count', 'sum', 'average'].includes(operator)) {
    throw QueryError.dbQuery(`'aggregate.group.fields' condition's conditions not supported: ${showValue(entry)}`);
  }
  const condition = conditions.length === 0 ? undefined : groupConditions(pipeline, input, conditions, `${where}.conditions`);
  const dataType = entry['data_type'];
  if (dataType !== undefined && dataType !== null && dataType !== '' && dataType !== 'array') {
    throw QueryError.invalid(`${where}.data_type`, 'only "array" is supported');
  }
  const overArray = dataType === 'array';
  if (overArray && !['sum', 'average', 'max', 'min'].includes(operator)) {
    throw QueryError.invalid(`${where}.data_type`, 'data_type "array" applies to sum, average, max and min');
  }
  if (operator === 'count') {
    return { sql: condition === undefined ? 'count(*)' : `count(*) FILTER (WHERE ${condition})`, type: 'int' };
  }

  const subFields = stageList(entry['fields'], `${where}.fields`, false);
  const key = aliased(entry, 'key', 'k');
  const hasKey = !(key === undefined || key === null || key === '');
  if (operator === 'push' && !hasKey && subFields.length > 0) {
    return { sql: `COALESCE(jsonb_agg(${pushObject(pipeline, scope, subFields, `${where}.fields`)}${orderClause(input)}), '[]'::jsonb)`, type: 'jsonb' };
  }
  if (!hasKey) throw QueryError.dbQuery(`'aggregate.group.fields' condition requires a key: ${showValue(entry)}`);
  const value = operandValue(scope.resolve(key, `${where}.key`), params);
  const elementsOf = (inner: (element: SqlValue) => string): string => {
    // data_type "array": the operator applies to the array's elements first (Mongo's {$sum: {$sum: "$k"}});
    // a single number stands for itself
    if (value.type !== 'jsonb') return toNumeric(value);
    return `(SELECT ${inner({ sql: 'e.value', type: 'jsonb' })} FROM ${jsonbElements(value.sql)} AS e)`;
  };

  switch (operator) {
    case 'sum': {
      const number = overArray ? elementsOf((element) => `sum(${toNumeric(element)})`) : toNumeric(value);
      const sum = condition === undefined ? `sum(${number})` : `sum(${number}) FILTER (WHERE ${condition})`;
      return { sql: `COALESCE(${sum}, 0)`, type: 'numeric' };
    }
    case 'average': {
      const number = overArray ? elementsOf((element) => `avg(${toNumeric(element)})`) : toNumeric(value);
      return { sql: condition === undefined ? `avg(${number})` : `avg(CASE WHEN ${condition} THEN ${number} ELSE 0 END)`, type: 'numeric' };
    }
    case 'max':
    case 'min': {
      if (overArray) {
        return { sql: `${operator}(${elementsOf((element) => `${operator}(${toNumeric(element)})`)})`, type: 'numeric' };
      }
      return extreme(operator, value, `${where}.key`);
    }
    case 'first':
    case 'last': {
      const ordered = orderClause(input, operator === 'last');
      const sql =
        input.order === undefined && operator === 'last'
          ? `(array_agg(${toJsonb(value)}))[count(*)::int]`
          : `(array_agg(${toJsonb(value)}${ordered}))[1]`;
      return { sql, type: 'jsonb' };
    }
    case 'push':
      return {
        sql: `COALESCE(jsonb_agg(${toJsonb(value)}${orderClause(input)}) FILTER (WHERE ${value.sql} IS NOT NULL), '[]'::jsonb)`,
        type: 'jsonb',
      };
    case 'add_to_set':
      return {
        sql: `COALESCE(jsonb_agg(DISTINCT ${toJsonb(value)}) FILTER (WHERE ${value.sql} IS NOT NULL), '[]'::jsonb)`,
        type: 'jsonb',
      };
    case 'merge_objects':
      if (value.type !== 'jsonb') throw QueryError.invalid(`${where}.key`, 'merge_objects needs an object value');
      return { sql: `jsonb_agg(${value.sql}${orderClause(input)}) FILTER (WHERE jsonb_typeof(${value.sql}) = 'object')`, type: 'jsonb' };
  }
}

/** min/max by type: plain aggregates on columns; for JSON, numbers first, then strings. */
function extreme(operator: 'max' | 'min', value: SqlValue, where: string): SqlValue {
  switch (value.type) {
    case 'text':
    case 'int':
    case 'float':
    case 'numeric':
    case 'timestamptz':
      return { sql: `${operator}(${value.sql})`, type: value.type };
    case 'bool':
      return { sql: `${operator === 'max' ? 'bool_or' : 'bool_and'}(${value.sql})`, type: 'bool' };
    case 'jsonb': {
      const text = `(CASE WHEN jsonb_typeof(${value.sql}) = 'string' THEN ${value.sql} #>> '{}' END)`;
      return { sql: `COALESCE(to_jsonb(${operator}(${toNumeric(value)})), to_jsonb(${operator}(${text})))`, type: 'jsonb' };
    }
    case 'text[]':
      throw QueryError.invalid(where, `${operator} does not apply to a list of strings`);
  }
}

function groupConditions(pipeline: Pipeline, input: RowSet, conditions: readonly unknown[], where: string): string {
  if (conditions.length > MAX_STAGE_ITEMS) throw QueryError.invalid(where, `at most ${MAX_STAGE_ITEMS} conditions are allowed`);
  const context: FilterContext = { scope: scopeOf(input), params: pipeline.params, now: pipeline.now, operators: CONDITION_OPERATORS };
  return conditions
    .map((condition, index) => {
      const at = `${where}[${index}]`;
      if (isRecord(condition) && (aliased(condition, 'value', 'v') === undefined || aliased(condition, 'value', 'v') === null)) {
        throw QueryError.dbQuery(`'aggregate.group.fields.conditions.value' condition requires a value: ${showValue(condition)}`);
      }
      return compileCondition(context, condition, at);
    })
    .join(' AND ');
}

/** `fields: [{key, name}]` of push → `jsonb_build_object($name, value, …)` (names bound). */
function pushObject(pipeline: Pipeline, scope: KeyScope, subFields: readonly unknown[], where: string): string {
  const pairs = subFields.map((raw, index) => {
    const at = `${where}[${index}]`;
    const entry = entryRecord(raw, at);
    const key = aliased(entry, 'key', 'k');
    if (key === undefined || key === null || key === '') throw QueryError.dbQuery(`'aggregate.group.fields.fields' condition requires a key: ${showValue(entry)}`);
    const name = checkName(aliased(entry, 'name', 'n'), `${at}.name`);
    const value = operandValue(scope.resolve(key, `${at}.key`), pipeline.params);
    return `${pipeline.params.add(name, 'text')}, ${toJsonb(value)}`;
  });
  return `jsonb_build_object(${pairs.join(', ')})`;
}

const STRFTIME: Record<string, string> = {
  Y: 'YYYY',
  m: 'MM',
  d: 'DD',
  H: 'HH24',
  M: 'MI',
  S: 'SS',
  L: 'MS',
  j: 'DDD',
  G: 'IYYY',
  V: 'IW',
  u: 'ID',
  w: 'D',
  z: '"+0000"',
  Z: '"0"',
  '%': '%',
};
const FORMAT_LITERAL = /^[A-Za-z0-9 \-:/.,_]$/;

/** A Mongo `$dateToString` format (`%Y-%m-%d`) as a `to_char` pattern, literal text quoted. */
export function toCharPattern(format: string, where: string): string {
  if (format.length > 64) throw QueryError.invalid(where, 'the date format is too long');
  let pattern = '';
  for (let index = 0; index < format.length; index++) {
    const character = format[index];
    if (character === '%') {
      const code = format[++index];
      const mapped = code === undefined ? undefined : STRFTIME[code];
      if (mapped === undefined) throw QueryError.invalid(where, `unsupported date format directive %${code ?? ''}`);
      pattern += mapped;
    } else if (FORMAT_LITERAL.test(character)) {
      pattern += /[A-Za-z0-9]/.test(character) ? `"${character}"` : character;
    } else {
      throw QueryError.invalid(where, 'date formats may hold letters, digits, spaces and - : / . , _ besides % directives');
    }
  }
  return pattern;
}

/** A group key's `date_format`: year/month/day → numbers; anything else → formatted text (UTC). */
function dateFormatted(value: SqlValue, format: unknown, params: SqlParams, where: string): SqlValue {
  if (typeof format !== 'string') throw QueryError.invalidType(where, 'str');
  let time: string;
  switch (value.type) {
    case 'timestamptz':
      time = value.sql;
      break;
    case 'jsonb':
    case 'text': {
      // an ISO string: parsed by jsonpath's datetime(), which yields NULL (not an error) for anything else
      const json = value.type === 'jsonb' ? value.sql : `to_jsonb(${value.sql})`;
      time =
        `(jsonb_path_query_first_tz(${json}, '$.datetime() ? (@.type() == "timestamp with time zone" || ` +
        `@.type() == "timestamp without time zone" || @.type() == "date")', '{}'::jsonb, true) #>> '{}')::timestamptz`;
      break;
    }
    default:
      throw QueryError.invalid(where, 'date_format needs a datetime value');
  }
  const utc = `((${time}) AT TIME ZONE 'UTC')`;
  switch (format) {
    case 'year':
      return { sql: `extract(year FROM ${utc})::int8`, type: 'int' };
    case 'month':
      return { sql: `extract(month FROM ${utc})::int8`, type: 'int' };
    case 'day':
      return { sql: `extract(day FROM ${utc})::int8`, type: 'int' };
    default:
      return { sql: `to_char(${utc}, ${params.add(toCharPattern(format, where), 'text')})`, type: 'text' };
  }
}

// ---------------------------------------------------------------------------------------------

/** `{name}`: one row holding the number of rows (none when there are none, like Mongo's $count). */
function countStage(pipeline: Pipeline, input: RowSet, spec: unknown, where: string): RowSet {
  const count = optionalRecord(spec, where);
  if (count?.['name'] === undefined || count['name'] === null || count['name'] === '') throw QueryError.required(`${where}.name`);
  const name = checkName(count['name'], `${where}.name`);
  const alias = pipeline.alias();
  const cte = pipeline.cte(`SELECT count(*) AS ${alias} FROM ${input.cte} HAVING count(*) > 0`);
  return { kind: 'rows', cte, columns: [{ name, alias, type: 'int' }], groupKeys: new Set() };
}

/** `[{key, desc}]`: numbers the rows in that order; later stages and the result keep it. */
export function sortStage(pipeline: Pipeline, input: RowSet, keys: readonly { key: string; desc: boolean }[]): RowSet {
  if (keys.length === 0) return input;
  const scope = scopeOf(input);
  const terms = keys.map((entry) => {
    const value = operandValue(scope.resolve(entry.key, 'sort.key'), pipeline.params);
    return `${value.sql}${entry.desc ? ' DESC' : ''}`;
  });
  if (input.order !== undefined) terms.push(input.order);
  const order = pipeline.alias('o');
  const cte = pipeline.cte(`SELECT *, row_number() OVER (ORDER BY ${terms.join(', ')}) AS ${order} FROM ${input.cte}`);
  return { ...input, cte, order };
}

function limitStage(pipeline: Pipeline, input: RowSet, stage: 'limit' | 'skip', spec: unknown, where: string): RowSet {
  const count = optionalInteger(spec, where);
  if (count === undefined || count < 0 || (stage === 'limit' && count === 0)) {
    throw QueryError.invalid(where, stage === 'limit' ? 'the limit must be a positive integer' : 'skip must be zero or more');
  }
  const clause = stage === 'limit' ? 'LIMIT' : 'OFFSET';
  const cte = pipeline.cte(`SELECT * FROM ${input.cte}${orderClause(input)} ${clause} ${pipeline.params.add(count, 'int8')}`);
  return { ...input, cte };
}

/** `{fields: [{key?, name, operator?, fields?}], exclude_keys?, only_keys?}`: group keys kept unless excluded. */
export function projectStage(pipeline: Pipeline, input: RowSet, spec: unknown, where: string): RowSet {
  const project = optionalRecord(spec, where) ?? {};
  const fields = stageList(project['fields'], `${where}.fields`, true);
  const excludeKeys = optionalBoolean(project['exclude_keys'], `${where}.exclude_keys`);
  const onlyKeys = optionalBoolean(project['only_keys'], `${where}.only_keys`);
  const scope = scopeOf(input);
  const select: string[] = input.order === undefined ? [] : [input.order];
  const kept =
    input.kind === 'rows' && !excludeKeys ? input.columns.filter((column) => input.groupKeys.has(column.name)) : [];
  const columns = new Map<string, StageColumn>(kept.map((column) => [column.name, column]));
  kept.forEach((column) => select.push(column.alias));

  fields.forEach((raw, index) => {
    const at = `${where}.fields[${index}]`;
    const entry = entryRecord(raw, at);
    const name = checkName(aliased(entry, 'name', 'n'), `${at}.name`);
    const operator = aliased(entry, 'operator', 'o');
    let value: SqlValue;
    if (operator === undefined || operator === null || operator === '') {
      const key = onlyKeys ? name : aliased(entry, 'key', 'k');
      if (key === undefined || key === null || key === '') throw QueryError.dbQuery(`'aggregate.project.fields' condition requires a key: ${showValue(entry)}`);
      value = operandValue(scope.resolve(key, `${at}.key`), pipeline.params);
    } else {
      if (typeof operator !== 'string' || !(PROJECT_OPERATORS as readonly string[]).includes(operator)) {
        throw QueryError.dbQuery(
          `'aggregate.project.fields' condition's ${showValue(operator)} operator is not supported. (supported_operator = ${PROJECT_OPERATORS.join(', ')})`,
        );
      }
      value = projectValue(pipeline, scope, entry, operator, at);
    }
    const alias = pipeline.alias();
    select.push(`${value.sql} AS ${alias}`);
    columns.delete(name);
    columns.set(name, { name, alias, type: value.type });
  });
  const cte = pipeline.cte(`SELECT ${select.join(', ')} FROM ${input.cte}`);
  return {
    kind: 'rows',
    cte,
    columns: [...columns.values()],
    groupKeys: excludeKeys || input.kind === 'table' ? new Set() : new Set([...input.groupKeys].filter((name) => columns.has(name))),
    order: input.order,
  };
}

function projectValue(pipeline: Pipeline, scope: KeyScope, entry: JsonRecord, operator: string, where: string): SqlValue {
  const keyed = (): SqlValue => {
    const key = aliased(entry, 'key', 'k');
    if (key === undefined || key === null || key === '') throw QueryError.dbQuery(`'aggregate.project.key' condition requires a key: ${showValue(entry)}`);
    return operandValue(scope.resolve(key, `${where}.key`), pipeline.params);
  };
  switch (operator) {
    case 'size': {
      const value = keyed();
      if (value.type === 'jsonb') {
        return { sql: `(CASE WHEN jsonb_typeof(${value.sql}) = 'array' THEN jsonb_array_length(${value.sql}) END)::int8`, type: 'int' };
      }
      if (value.type === 'text[]') return { sql: `cardinality(${value.sql})::int8`, type: 'int' };
      return { sql: 'NULL::int8', type: 'int' };
    }
    case 'sum': {
      const value = keyed();
      if (value.type === 'jsonb') {
        const element = toNumeric({ sql: 'e.value', type: 'jsonb' });
        return {
          sql:
            `(CASE jsonb_typeof(${value.sql}) WHEN 'array' THEN (SELECT COALESCE(sum(${element}), 0) FROM jsonb_array_elements(${value.sql}) AS e) ` +
            `WHEN 'number' THEN (${value.sql})::numeric ELSE 0 END)`,
          type: 'numeric',
        };
      }
      return { sql: `COALESCE(${toNumeric(value)}, 0)`, type: 'numeric' };
    }
    case 'array_to_object': {
      const value = keyed();
      if (value.type !== 'jsonb') throw QueryError.invalid(`${where}.key`, 'array_to_object needs an array value');
      const pairKey = `(CASE jsonb_typeof(e.value) WHEN 'array' THEN e.value ->> 0 ELSE e.value ->> 'k' END)`;
      const pairValue = `(CASE jsonb_typeof(e.value) WHEN 'array' THEN e.value -> 1 ELSE e.value -> 'v' END)`;
      return {
        sql:
          `(SELECT jsonb_object_agg(${pairKey}, ${pairValue}) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${value.sql}) = 'array' ` +
          `THEN ${value.sql} ELSE '[]'::jsonb END) AS e WHERE jsonb_typeof(e.value) IN ('array', 'object') AND ${pairKey} IS NOT NULL)`,
        type: 'jsonb',
      };
    }
    case 'object_to_array': {
      const value = keyed();
      if (value.type !== 'jsonb') throw QueryError.invalid(`${where}.key`, 'object_to_array needs an object value');
      return {
        sql:
          `(SELECT COALESCE(jsonb_agg(jsonb_build_object('k', e.key, 'v', e.value)), '[]'::jsonb) FROM jsonb_each(CASE WHEN ` +
          `jsonb_typeof(${value.sql}) = 'object' THEN ${value.sql} ELSE '{}'::jsonb END) AS e)`,
        type: 'jsonb',
      };
    }
    default:
      return { sql: arithmetic(pipeline, scope, entry, operator, where, 0, { count: 0 }), type: 'numeric' };
  }
}

/** add/subtract/multiply/divide over keys, numbers and nested `{operator, fields}`; x / 0 is NULL. */
function arithmetic(
  pipeline: Pipeline,
  scope: KeyScope,
  entry: JsonRecord,
  operator: unknown,
  where: string,
  depth: number,
  budget: { count: number },
): string {
  if (depth > MAX_ARITHMETIC_DEPTH) throw QueryError.invalid(where, 'the expression is nested too deeply');
  if (typeof operator !== 'string' || !['add', 'subtract', 'multiply', 'divide'].includes(operator)) {
    throw QueryError.dbQuery(`'aggregate.project.operator' condition operator are not allowed (supported_operator = add, subtract, multiply, divide): ${showValue(entry)}`);
  }
  const fields = entry['fields'] ?? entry['f'];
  if (!Array.isArray(fields) || fields.length === 0) {
    throw QueryError.dbQuery(`'aggregate.project.fields' condition requires a fields: ${showValue(entry)}`);
  }
  if ((operator === 'subtract' || operator === 'divide') && fields.length !== 2) {
    throw QueryError.dbQuery(`'aggregate.project.fields' condition requires two fields: ${showValue(entry)}`);
  }
  budget.count += fields.length;
  if (budget.count > MAX_ARITHMETIC_OPERANDS) throw QueryError.invalid(where, 'the expression has too many operands');
  const terms = fields.map((field, index) => {
    const at = `${where}.fields[${index}]`;
    if (typeof field === 'string') return toNumeric(operandValue(scope.resolve(field, at), pipeline.params));
    if (typeof field === 'number' && Number.isFinite(field)) return pipeline.params.add(field, 'numeric');
    if (isRecord(field)) {
      return arithmetic(pipeline, scope, field, field['operator'] ?? field['o'], at, depth + 1, budget);
    }
    throw QueryError.dbQuery(`'aggregate.project.fields' condition accept only string or object or numeric types: ${showValue(entry)}`);
  });
  switch (operator) {
    case 'add':
      return `(${terms.join(' + ')})`;
    case 'multiply':
      return `(${terms.join(' * ')})`;
    case 'subtract':
      return `(${terms[0]} - ${terms[1]})`;
    default:
      return `(${terms[0]} / NULLIF(${terms[1]}, 0))`;
  }
}

// ---------------------------------------------------------------------------------------------

/** The final SELECT list: a stage's columns, or (no group/project yet) the table's result fields. */
export function outputColumns(pipeline: Pipeline, rows: RowSet): { select: string[]; columns: ResultColumn[] } {
  if (rows.kind === 'rows') {
    return {
      select: rows.columns.map((column) => column.alias),
      columns: rows.columns.map((column) => ({ alias: column.alias, path: column.name.split('.'), type: column.type, omitNull: false })),
    };
  }
  const select: string[] = [];
  const columns: ResultColumn[] = [];
  const add = (name: string, value: SqlValue, omitNull: boolean) => {
    const alias = pipeline.alias();
    select.push(`${value.sql} AS ${alias}`);
    columns.push({ alias, path: name.split('.'), type: value.type, omitNull });
  };
  for (const field of rows.scope.schema.fields.values()) {
    if (!field.inResults) continue;
    add(field.key, operandValue(rows.scope.resolve(field.key, 'field'), pipeline.params), false);
  }
  for (const [name, value] of rows.scope.overrides) add(name, value, true);
  return { select, columns };
}
