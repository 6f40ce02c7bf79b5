import { parse as parseCsv } from 'csv-parse/sync';
import YAML from 'yaml';
import { CliError } from '../exit-codes';
import { flatten, renderList, renderObject, renderRows, resolveFormat, valueAt } from './render';

const answer = {
  results: [
    { collector_id: 'collector-1', name: 'a, "quoted"', plugin_info: { plugin_id: 'synthetic', options: { count: 3 } }, tags: {} },
    { collector_id: 'collector-2', name: 'b', plugin_info: { plugin_id: 'aws' }, tags: { env: 'prod' } },
  ],
  total_count: 7,
};
const columns = ['collector_id', 'name', 'plugin_info.plugin_id', 'plugin_info.options', 'tags.env'];

describe('output', () => {
  it('defaults to a table on a terminal and JSON in a pipe; CLOUD_INVENTORY_OUTPUT and -o override', () => {
    expect(resolveFormat(undefined, {}, true)).toBe('table');
    expect(resolveFormat(undefined, {}, false)).toBe('json');
    expect(resolveFormat(undefined, { CLOUD_INVENTORY_OUTPUT: 'yaml' }, true)).toBe('yaml');
    expect(resolveFormat('csv', { CLOUD_INVENTORY_OUTPUT: 'yaml' }, true)).toBe('csv');
    expect(() => resolveFormat('xml', {}, true)).toThrow(CliError);
  });

  it('reads dotted paths, a key with dots of its own first', () => {
    expect(valueAt({ a: { b: { c: 1 } } }, 'a.b.c')).toBe(1);
    expect(valueAt({ 'a.b': 2, a: { b: 3 } }, 'a.b')).toBe(2);
    expect(valueAt({ a: 1 }, 'a.b')).toBeUndefined();
  });

  it('writes lists as JSON and YAML whole, and as CSV under the columns (quoting done by csv-stringify)', () => {
    expect(JSON.parse(renderList(answer, columns, 'json'))).toEqual(answer);
    expect(YAML.parse(renderList(answer, columns, 'yaml'))).toEqual(answer);
    const rows = parseCsv(renderList(answer, columns, 'csv'), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { collector_id: 'collector-1', name: 'a, "quoted"', 'plugin_info.plugin_id': 'synthetic', 'plugin_info.options': '{"count":3}', 'tags.env': '' },
      { collector_id: 'collector-2', name: 'b', 'plugin_info.plugin_id': 'aws', 'plugin_info.options': '', 'tags.env': 'prod' },
    ]);
  });

  it('draws tables without colour codes, with the count', () => {
    const table = renderList(answer, columns, 'table');
    expect(table).toContain('collector-2');
    expect(table).toContain('Count: 2 / 7');
    expect(table).not.toContain('\u001b');
    expect(renderRows([], [], 'table')).toBe('No results.\n');
  });

  it('shows one resource as field/value rows two levels deep, long values cut', () => {
    const object = { id: 'x', plugin_info: { options: { count: 3 }, metadata: { schema: { very: { deep: 'a'.repeat(300) } } } } };
    expect(flatten(object)).toEqual([
      ['id', 'x'],
      ['plugin_info.options', { count: 3 }],
      ['plugin_info.metadata', object.plugin_info.metadata],
    ]);
    const table = renderObject(object, 'table');
    expect(table).toContain('plugin_info.options');
    expect(table).toContain('{"count":3}');
    expect(table).not.toContain('a'.repeat(300));
    expect(table).toContain('-o yaml or -o json shows them whole');
    expect(JSON.parse(renderObject(object, 'json'))).toEqual(object);
  });
});
