import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../exit-codes';
import { buildQuery, parseOnly, parsePage, parseSort } from './query-options';

describe('list flags → Cloudforet Query', () => {
  it('sorts by key, -key descending, several by comma or repetition', () => {
    expect(parseSort(['-created_at,name', '+region_code'])).toEqual([
      { key: 'created_at', desc: true },
      { key: 'name', desc: false },
      { key: 'region_code', desc: false },
    ]);
    expect(() => parseSort(['-'])).toThrow(CliError);
  });

  it('pages with start:limit or --start/--limit, and refuses both or nonsense', () => {
    expect(parsePage({ page: '21:20' })).toEqual({ start: 21, limit: 20 });
    expect(parsePage({ limit: '5' })).toEqual({ limit: 5 });
    expect(parsePage({ start: '3', limit: '5' })).toEqual({ start: 3, limit: 5 });
    expect(parsePage({})).toBeUndefined();
    for (const flags of [{ page: '1:20', limit: '3' }, { page: '20' }, { page: '0:5' }, { limit: '-1' }, { limit: 'ten' }, { start: '1.5' }]) {
      expect(() => parsePage(flags)).toThrow(CliError);
    }
  });

  it('splits --only on commas', () => {
    expect(parseOnly(['name,region_code', 'account'])).toEqual(['name', 'region_code', 'account']);
    expect(parseOnly(undefined)).toBeUndefined();
    expect(() => parseOnly([','])).toThrow(CliError);
  });

  it('builds the whole query, merged into --query', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-query-'));
    writeFileSync(join(dir, 'query.yaml'), 'filter:\n  - {k: provider, v: aws, o: eq}\nminimal: false\n');
    expect(
      buildQuery({
        query: `@${join(dir, 'query.yaml')}`,
        filter: ['state!=DELETED', 'name~web'],
        filterOr: ['region_code=us-east-1', 'region_code=eu-west-1'],
        sort: ['-created_at'],
        page: '1:10',
        only: ['name'],
        keyword: 'i-0',
      }),
    ).toEqual({
      filter: [
        { k: 'provider', v: 'aws', o: 'eq' },
        { k: 'state', v: 'DELETED', o: 'not' },
        { k: 'name', v: 'web', o: 'contain' },
      ],
      filter_or: [
        { k: 'region_code', v: 'us-east-1', o: 'eq' },
        { k: 'region_code', v: 'eu-west-1', o: 'eq' },
      ],
      sort: [{ key: 'created_at', desc: true }],
      page: { start: 1, limit: 10 },
      only: ['name'],
      minimal: false,
      keyword: 'i-0',
    });
    expect(buildQuery({})).toEqual({});
    expect(() => buildQuery({ query: '[1, 2]' })).toThrow('--query must be a JSON or YAML object');
    expect(() => buildQuery({ query: `@${join(dir, 'missing.yaml')}` })).toThrow('cannot read');
  });
});
