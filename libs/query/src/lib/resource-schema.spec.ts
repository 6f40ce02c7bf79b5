import { defineResourceSchema } from './resource-schema';

describe('defineResourceSchema', () => {
  const base = { resource: 'Thing', table: 'thing', idKey: 'thing_id', scope: { domainColumn: 'domain_id' }, fields: { thing_id: 'text' as const } };

  it('quotes identifiers and wraps trusted expressions', () => {
    const schema = defineResourceSchema({
      ...base,
      fields: { thing_id: 'text', 'a.b': { type: 'text', sql: "ref->>'b'" }, 'c.d': { type: 'int', column: 'cd' } },
    });
    expect(schema.table).toBe('"thing"');
    expect(schema.domainColumn).toBe('"domain_id"');
    expect(schema.fields.get('thing_id')?.sql).toBe('"thing_id"');
    expect(schema.fields.get('a.b')?.sql).toBe("(ref->>'b')");
    expect(schema.fields.get('c.d')?.sql).toBe('"cd"');
    expect(schema.pageLimit).toBe(1000);
  });

  it('refuses definitions that are programming mistakes', () => {
    expect(() => defineResourceSchema({ ...base, table: 'thing; drop' })).toThrow(/identifier/);
    expect(() => defineResourceSchema({ ...base, idKey: 'nope' })).toThrow(/idKey/);
    expect(() => defineResourceSchema({ ...base, fields: { thing_id: 'text', 'a.b': 'text' } })).toThrow(/column or sql/);
    expect(() => defineResourceSchema({ ...base, keywordFields: ['missing'] })).toThrow(/keyword/);
    expect(() => defineResourceSchema({ ...base, defaultSort: [{ key: 'missing' }] })).toThrow(/sort/);
    expect(() => defineResourceSchema({ ...base, pageLimit: 0 })).toThrow(/pageLimit/);
    expect(() => defineResourceSchema({ ...base, fields: { thing_id: { type: 'text', sql: '1; drop table x' } } })).toThrow(/sql/);
  });
});
