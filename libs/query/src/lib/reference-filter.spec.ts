import { compileCondition } from './filter-compiler';
import { TableScope } from './key-scope';
import { QueryError } from './query-error';
import { defineResourceSchema } from './resource-schema';
import { compileSearch } from './search-compiler';
import { compileStat } from './stat-compiler';
import { SqlParams } from './sql-params';

const typeSchema = defineResourceSchema({
  resource: 'ItemType',
  table: 'item_type',
  idKey: 'item_type_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id' },
  fields: { item_type_id: 'text', name: 'text', is_primary: 'bool', labels: 'jsonb-array', domain_id: 'text', workspace_id: 'text' },
});

const itemSchema = defineResourceSchema({
  resource: 'Item',
  table: 'item',
  idKey: 'item_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id' },
  fields: { item_id: 'text', type: 'text', domain_id: 'text', workspace_id: 'text', created_at: 'timestamptz' },
  references: {
    ref_type: { schema: typeSchema, on: { domain_id: 'domain_id', workspace_id: 'workspace_id', type: 'name' }, where: "state <> 'DELETED'" },
  },
});

function compile(condition: unknown) {
  const params = new SqlParams();
  const sql = compileCondition({ scope: new TableScope(itemSchema), params, now: new Date() }, condition, 'query.filter[0]');
  return { sql, values: params.values };
}

function errorOf(run: () => unknown): QueryError {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error('expected a QueryError');
}

const JOIN =
  'FROM "item_type" AS "__ref" WHERE "__ref"."domain_id" = "item"."domain_id" AND "__ref"."workspace_id" = "item"."workspace_id" ' +
  `AND "__ref"."name" = "item"."type" AND (state <> 'DELETED')`;

describe('reference keys (ref_<resource>.<field>): an EXISTS semi-join, values bound', () => {
  it('compiles a positive condition into EXISTS over the joined row, the field resolved against the referenced schema', () => {
    expect(compile({ k: 'ref_type.is_primary', v: true, o: 'eq' })).toEqual({
      sql: `EXISTS (SELECT 1 ${JOIN} AND "is_primary" = $1::bool)`,
      values: [true],
    });
    expect(compile({ k: 'ref_type.labels', v: 'Server', o: 'eq' })).toEqual({
      sql: `EXISTS (SELECT 1 ${JOIN} AND "labels" @> $1::jsonb)`,
      values: ['["Server"]'],
    });
  });

  it('negates the positive test for not and not_in, as Cloudforet does (a row without a referenced row matches)', () => {
    expect(compile({ k: 'ref_type.labels', v: ['CSPM', 'Management'], o: 'not_in' })).toEqual({
      sql: `NOT EXISTS (SELECT 1 ${JOIN} AND ("labels" @? $1::jsonpath))`,
      values: ['$ ? (@ == "CSPM" || @ == "Management")'],
    });
    expect(compile({ k: 'ref_type.name', v: 'Instance', o: 'not' })).toEqual({
      sql: `NOT EXISTS (SELECT 1 ${JOIN} AND "name" = $1::text)`,
      values: ['Instance'],
    });
    // the other negative operators keep their own meaning inside the subquery
    expect(compile({ k: 'ref_type.name', v: 'Inst', o: 'not_contain' }).sql).toBe(
      `EXISTS (SELECT 1 ${JOIN} AND NOT COALESCE("name" ILIKE $1::text, FALSE))`,
    );
  });

  it('refuses unknown keys of the referenced resource, naming them, and reference keys outside filters', () => {
    const unknown = errorOf(() => compile({ k: 'ref_type.secret', v: 'x', o: 'eq' }));
    expect(unknown.code).toBe('ERROR_INVALID_PARAMETER');
    expect(unknown.message).toContain('key = ref_type.secret');
    expect(errorOf(() => compileSearch(itemSchema, { sort: [{ key: 'ref_type.name' }] }, { domain_id: 'd' })).message).toContain(
      'ref_type.* keys can only be used in filter conditions',
    );
    expect(errorOf(() => compileSearch(itemSchema, { only: ['ref_type.name'] }, { domain_id: 'd' })).code).toBe('ERROR_INVALID_PARAMETER');
    expect(errorOf(() => compileStat(itemSchema, { distinct: 'ref_type.name' }, { domain_id: 'd' })).code).toBe('ERROR_INVALID_PARAMETER');
  });

  it('works in filter_or and typed filters as in filter, after the scope', () => {
    const compiled = compileSearch(itemSchema, { filter_or: [{ k: 'ref_type.name', v: 'a', o: 'eq' }, { k: 'type', v: 'b', o: 'eq' }] }, { domain_id: 'd' }, {
      'ref_type.is_primary': true,
    });
    expect(compiled.count.text).toBe(
      `SELECT count(*) AS total FROM "item" WHERE "domain_id" = $1::text AND EXISTS (SELECT 1 ${JOIN} AND "is_primary" = $2::bool) AND ` +
        `(EXISTS (SELECT 1 ${JOIN} AND "name" = $3::text) OR "type" = $4::text)`,
    );
    expect(compiled.count.values).toEqual(['d', true, 'a', 'b']);
  });

  it('refuses reference definitions that are programming mistakes', () => {
    const base = { resource: 'X', table: 'x', idKey: 'x_id', scope: { domainColumn: 'domain_id' }, fields: { x_id: 'text' as const, type: 'text' as const } };
    expect(() => defineResourceSchema({ ...base, references: { type: { schema: typeSchema, on: { type: 'name' } } } })).toThrow(/also a field/);
    expect(() => defineResourceSchema({ ...base, references: { 'ref-x': { schema: typeSchema, on: { type: 'name' } } } })).toThrow(/identifier/);
    expect(() => defineResourceSchema({ ...base, references: { ref_x: { schema: typeSchema, on: {} } } })).toThrow(/join/);
    expect(() => defineResourceSchema({ ...base, references: { ref_x: { schema: typeSchema, on: { 'type; drop': 'name' } } } })).toThrow(/identifier/);
    expect(() => defineResourceSchema({ ...base, references: { ref_x: { schema: itemSchema, on: { type: 'type' } } } })).toThrow(/references/);
    expect(() => defineResourceSchema({ ...base, references: { ref_x: { schema: typeSchema, on: { type: 'name' }, where: '1; drop' } } })).toThrow(/where/);
  });
});
