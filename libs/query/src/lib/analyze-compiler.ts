import type { coreV2 } from '@cloud-inventory/proto';
import { CompiledAnalyze, statement } from './compiled-query';
import { GROUP_OPERATORS, compileStages, outputColumns, sortStage, unwindStage } from './pipeline-compiler';
import { QueryError, showValue } from './query-error';
import { CompileOptions, MAX_UNPAGED_RESULTS, QueryScope, TypedFilters, pageWindow, queryRecord, refuseUnsupported, sortKeys } from './query-parts';
import { ResourceSchema } from './resource-schema';
import { JsonRecord, isRecord, optionalList, optionalRecord } from './request-value';
import { pipelineBase, unpagedLimit } from './stat-compiler';

const SELECT_OPERATORS = ['add', 'subtract', 'multiply', 'divide', 'size', 'sum'];
const TOTAL_OPERATORS = ['sum', 'average', 'max', 'min', 'count'];
const TOTAL_PREFIX = '_total_';

interface GroupField {
  name: string;
  operator: string;
  key?: unknown;
  fields?: JsonRecord[];
  data_type?: unknown;
}

/**
 * An `AnalyzeQuery` → SQL, built as Cloudforet builds it: a group stage (`group_by` + `fields`), then
 * `select` as a project stage, then the `field_group` pivot (a second group pushing `{value, <keys>}`
 * with `_total_<name>` sums), then `sort` and the page. One extra row is fetched to tell `more`.
 */
export function compileAnalyze(
  schema: ResourceSchema,
  query: coreV2.AnalyzeQuery | Record<string, unknown> | undefined,
  scope: QueryScope,
  typedFilters?: TypedFilters,
  options?: CompileOptions,
): CompiledAnalyze {
  const request = queryRecord(query);
  refuseUnsupported(request, ['lookup', 'add_fields']);
  const fields = optionalRecord(request['fields'], 'query.fields');
  if (fields === undefined || Object.keys(fields).length === 0) throw QueryError.required('fields');
  const fieldGroup = optionalList(request['field_group'], 'query.field_group').map((name, index) => {
    if (typeof name !== 'string') throw QueryError.invalidType(`query.field_group[${index}]`, 'str');
    if (name.startsWith(TOTAL_PREFIX)) {
      throw QueryError.invalid('field_group', 'Field group keys cannot contain _total_ characters.');
    }
    return name;
  });
  const groupKeys = groupByKeys(request['group_by']);
  const groupFields = Object.entries(fields).map(([name, condition]) => groupField(name, condition));
  const page = pageWindow(request['page'], schema.pageLimit, options?.alwaysPage ?? false);

  const stages: JsonRecord[] = [{ group: { keys: groupKeys, fields: groupFields } }];
  const select = optionalRecord(request['select'], 'query.select');
  if (select !== undefined && Object.keys(select).length > 0) stages.push({ project: selectProject(select) });
  if (fieldGroup.length > 0) stages.push({ group: pivot(groupKeys, groupFields, fieldGroup) });

  const { pipeline, rows: base } = pipelineBase(schema, request, scope, typedFilters, options);
  const unwind = request['unwind'];
  const input = unwind === undefined || unwind === null ? base : unwindStage(pipeline, base, unwind, 'query.unwind');
  let rows = compileStages(pipeline, input, stages, 'query');

  const totals = new Set(
    groupFields.filter((field) => fieldGroup.length > 0 && TOTAL_OPERATORS.includes(field.operator)).map((field) => field.name),
  );
  const sort = sortKeys(request['sort'], 'query.sort').map((entry) =>
    totals.has(entry.key) ? { key: `${TOTAL_PREFIX}${entry.key}`, desc: entry.desc } : entry,
  );
  rows = sortStage(pipeline, rows, sort);

  const { params } = pipeline;
  const output = outputColumns(pipeline, rows);
  const order = rows.order === undefined ? '' : ` ORDER BY ${rows.order}`;
  const paging =
    page === undefined ? unpagedLimit(params) : ` LIMIT ${params.add(page.limit + 1, 'int8')} OFFSET ${params.add(page.offset, 'int8')}`;
  const text = pipeline.with(`SELECT ${output.select.join(', ')} FROM ${rows.cte}${order}${paging}`);
  const resultCap = page === undefined ? MAX_UNPAGED_RESULTS : undefined;
  return { kind: 'analyze', rows: statement(text, params), columns: output.columns, limit: page?.limit, resultCap };
}

/** `group_by`: strings (named by their last segment) or `{key, name}`. */
function groupByKeys(value: unknown): JsonRecord[] {
  return optionalList(value, 'query.group_by').map((option, index) => {
    if (typeof option === 'string') {
      return { key: option, name: option.slice(option.lastIndexOf('.') + 1) };
    }
    if (isRecord(option)) {
      const key = option['key'];
      const name = option['name'];
      if (typeof key !== 'string' || key === '' || typeof name !== 'string' || name === '') {
        throw QueryError.invalid('group_by', 'group_by option requires a key and name.');
      }
      return { key, name };
    }
    throw QueryError.invalid(`group_by[${index}]`, 'group_by option should be dict or str type.');
  });
}

/** One entry of `fields: {name: {operator, key?, fields?, data_type?}}`. */
function groupField(name: string, condition: unknown): GroupField {
  if (!isRecord(condition)) throw QueryError.invalidType(`query.fields.${name}`, 'dict');
  const operator = condition['operator'];
  if (operator === undefined || operator === null || operator === '') throw QueryError.required('query.fields.operator');
  if (typeof operator !== 'string' || !(GROUP_OPERATORS as readonly string[]).includes(operator)) {
    throw QueryError.dbQuery(
      `'query.fields' operator ${showValue(operator)} is not supported. (supported_operator = ${GROUP_OPERATORS.join(', ')})`,
    );
  }
  const key = condition['key'];
  const pushFields = optionalRecord(condition['fields'], `query.fields.${name}.fields`);
  const hasKey = !(key === undefined || key === null || key === '');
  if (!['count', 'push'].includes(operator) && !hasKey) throw QueryError.required('query.fields.key');
  if (operator === 'push' && !hasKey && (pushFields === undefined || Object.keys(pushFields).length === 0)) {
    throw QueryError.required('query.fields.fields');
  }
  const field: GroupField = { name, operator, data_type: condition['data_type'] };
  if (operator !== 'count') field.key = key;
  if (operator === 'push' && pushFields !== undefined && !hasKey) {
    field.fields = Object.entries(pushFields).map(([outName, sourceKey]) => ({ name: outName, key: sourceKey }));
  }
  return field;
}

/** `select: {name: "key" | {operator, key | fields}}` → a project stage that drops the group keys. */
function selectProject(select: JsonRecord): JsonRecord {
  const fields = Object.entries(select).map(([name, condition]) => {
    if (typeof condition === 'string') return { name, key: condition };
    if (!isRecord(condition)) throw QueryError.invalidType(`query.select.${name}`, 'str or dict');
    const operator = condition['operator'];
    if (typeof operator !== 'string' || !SELECT_OPERATORS.includes(operator)) {
      throw QueryError.invalid('query.select.operator', `supported_operator = ${SELECT_OPERATORS.join(', ')}`);
    }
    if (condition['key'] !== undefined && condition['key'] !== null && condition['key'] !== '') {
      return { name, operator, key: condition['key'] };
    }
    if (condition['fields'] !== undefined && condition['fields'] !== null) return { name, operator, fields: condition['fields'] };
    throw QueryError.required('query.select.fields');
  });
  return { fields, exclude_keys: true };
}

/** The `field_group` pivot: group by the other keys; each field becomes `[{value, <field_group keys>}]`. */
function pivot(groupKeys: readonly JsonRecord[], groupFields: readonly GroupField[], fieldGroup: readonly string[]): JsonRecord {
  const keys = groupKeys
    .map((key) => key['name'] as string)
    .filter((name) => !fieldGroup.includes(name))
    .map((name) => ({ key: name, name }));
  const fields = groupFields.flatMap((field) => {
    const pushed = {
      name: field.name,
      operator: 'push',
      fields: [{ name: 'value', key: field.name }, ...fieldGroup.map((name) => ({ name, key: name }))],
    };
    if (!TOTAL_OPERATORS.includes(field.operator)) return [pushed];
    const total = { key: field.name, name: `${TOTAL_PREFIX}${field.name}`, operator: field.operator === 'count' ? 'sum' : field.operator };
    return [total, pushed];
  });
  return { keys, fields };
}
