import Table from 'cli-table3';
import { stringify as csvStringify } from 'csv-stringify/sync';
import YAML from 'yaml';
import { CliError } from '../exit-codes';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

type Row = Record<string, unknown>;

/** `-o` as given, else CLOUD_INVENTORY_OUTPUT, else a table on a terminal and JSON in a pipe. */
export function resolveFormat(flag: string | undefined, env: NodeJS.ProcessEnv, stdoutIsTty: boolean): OutputFormat {
  const chosen = flag ?? env['CLOUD_INVENTORY_OUTPUT'];
  if (chosen === undefined || chosen === '') return stdoutIsTty ? 'table' : 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(chosen)) {
    throw CliError.usage(`-o takes ${OUTPUT_FORMATS.join(', ')} (got "${chosen}").`);
  }
  return chosen as OutputFormat;
}

/** The value at a dotted path (`plugin_info.plugin_id`, `tags.env`); a key with dots of its own wins. */
export function valueAt(value: unknown, path: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Row;
  if (path in record) return record[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  return valueAt(record[path.slice(0, dot)], path.slice(dot + 1));
}

/** One cell as text: objects and lists as compact JSON, nothing as empty. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const TABLE_CELL_LIMIT = 80;
const FIELD_VALUE_LIMIT = 120;

function truncated(text: string, limit = TABLE_CELL_LIMIT): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine;
}

function isPlainObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object's fields under dotted keys two levels deep (plugin_info.options); deeper ones and lists as JSON. */
export function flatten(object: Row, depth = 2, prefix = '', into: [string, unknown][] = []): [string, unknown][] {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (depth > 1 && isPlainObject(value) && Object.keys(value).length > 0) flatten(value, depth - 1, path, into);
    else into.push([path, value]);
  }
  return into;
}

function table(head: string[], rows: string[][]): string {
  const rendered = new Table({
    head,
    // no colours (the same bytes on a terminal, in a pipe and in a screenshot); no rule between rows
    style: { head: [], border: [], compact: true },
  });
  rendered.push(...rows);
  return rendered.toString();
}

/** The keys of rows in order of first appearance (for stat results, whose keys the query decides). */
export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Rows under named columns: a table, CSV (header line first) or, for JSON/YAML, `document` as is. */
export function renderRows(rows: Row[], columns: string[], format: OutputFormat, document: unknown = rows, footer?: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(document, null, 2)}\n`;
    case 'yaml':
      return YAML.stringify(document);
    case 'csv':
      return csvStringify(
        rows.map((row) => columns.map((column) => cellText(valueAt(row, column)))),
        { header: true, columns },
      );
    case 'table': {
      if (columns.length === 0) return 'No results.\n';
      const body = rows.map((row) => columns.map((column) => truncated(cellText(valueAt(row, column)))));
      return `${table(columns, body)}\n${footer ? `${footer}\n` : ''}`;
    }
  }
}

/** A list answer ({results, total_count}): rows under the columns, JSON/YAML the answer whole. */
export function renderList(answer: { results: Row[]; total_count?: number }, columns: string[], format: OutputFormat): string {
  const shown = answer.results.length;
  const footer = answer.total_count !== undefined ? `Count: ${shown} / ${answer.total_count}` : undefined;
  return renderRows(answer.results, columns, format, answer, footer);
}

/** One resource: a field/value table, one CSV row, or the object as is. */
export function renderObject(object: Row, format: OutputFormat, columns?: string[]): string {
  if (format === 'table') {
    const fields: [string, unknown][] = columns ? columns.map((key) => [key, valueAt(object, key)]) : flatten(object);
    const rows = fields.map(([key, value]) => [key, cellText(value)]);
    const cut = rows.some(([, text]) => text.length > FIELD_VALUE_LIMIT);
    const body = table(['field', 'value'], rows.map(([key, text]) => [key, truncated(text, FIELD_VALUE_LIMIT)]));
    return `${body}\n${cut ? `(long values are cut at ${FIELD_VALUE_LIMIT} characters: -o yaml or -o json shows them whole)\n` : ''}`;
  }
  return renderRows([object], columns ?? Object.keys(object), format, object);
}
