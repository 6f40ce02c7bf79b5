/**
 * An independent model of Cloudforet's (Mongo's) filter semantics over plain JS rows, to check the
 * SQL against. It shares no code with the compiler: values are found by walking objects the way
 * Mongo does (arrays along the path are searched, a leaf array matches by element).
 */

type Row = Record<string, unknown>;
export type OracleCondition = { k: string; v?: unknown; o: string };

/** How an API key reads a row: aliases of columns, or a walk from a top-level value. */
export type KeyReader = (row: Row, key: string) => { present: boolean; items: unknown[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function walk(value: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) return [value];
  if (Array.isArray(value) && /^\d+$/.test(segments[0])) {
    const item = value[Number(segments[0])];
    return item === undefined ? [] : walk(item, segments.slice(1));
  }
  if (Array.isArray(value)) return value.flatMap((item) => (isObject(item) ? walk(item, segments) : []));
  if (isObject(value) && Object.prototype.hasOwnProperty.call(value, segments[0])) return walk(value[segments[0]], segments.slice(1));
  return [];
}

/** Reads `key` from a row: `aliases` map API keys to row properties, the rest is walked from the top. */
export function keyReader(aliases: Record<string, (row: Row) => unknown>): KeyReader {
  return (row, key) => {
    const alias = aliases[key];
    let leaves: unknown[];
    if (alias) {
      const value = alias(row);
      leaves = value === null || value === undefined ? [] : [value];
    } else {
      const [top, ...rest] = key.split('.');
      const root = row[top];
      leaves = root === null || root === undefined ? [] : walk(root, rest);
    }
    return { present: leaves.length > 0, items: leaves.flatMap((leaf) => (Array.isArray(leaf) ? leaf : [leaf])) };
  };
}

function time(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const parsed = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

function same(item: unknown, value: unknown): boolean {
  if (item instanceof Date) return time(value) === item.getTime();
  if (isObject(item) || Array.isArray(item)) return JSON.stringify(item) === JSON.stringify(value);
  return item === value;
}

function compare(item: unknown, value: unknown): number | undefined {
  if (typeof item === 'number' && typeof value === 'number') return item - value;
  if (typeof item === 'string' && typeof value === 'string') return item < value ? -1 : item > value ? 1 : 0;
  if (item instanceof Date) {
    const other = time(value);
    return other === undefined ? undefined : item.getTime() - other;
  }
  return undefined;
}

const ORDER: Record<string, (difference: number) => boolean> = {
  lt: (d) => d < 0,
  lte: (d) => d <= 0,
  gt: (d) => d > 0,
  gte: (d) => d >= 0,
};

function contains(item: unknown, value: unknown, caseSensitive = false): boolean {
  if (typeof value !== 'string') return same(item, value);
  if (typeof item !== 'string') return false;
  return caseSensitive ? item.includes(value) : item.toLowerCase().includes(value.toLowerCase());
}

/** Does `row` satisfy the condition? `timeOf` gives the instant a timediff value stands for. */
export function matches(row: Row, condition: OracleCondition, read: KeyReader, timeOf: (text: string) => number): boolean {
  const { present, items } = read(row, condition.k);
  const v = condition.v;
  const eq = (value: unknown) => (value === null || value === undefined ? !present || items.includes(null) : items.some((item) => same(item, value)));
  const list = () => v as unknown[];
  switch (condition.o) {
    case 'eq':
      return eq(v);
    case 'not':
      return !eq(v);
    case 'in':
      return list().some(eq);
    case 'not_in':
      return !list().some(eq);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return items.some((item) => {
        const difference = compare(item, v);
        return difference !== undefined && ORDER[condition.o](difference);
      });
    case 'contain':
      return items.some((item) => contains(item, v));
    case 'not_contain':
      return !items.some((item) => contains(item, v));
    case 'contain_in':
      return list().some((value) => items.some((item) => contains(item, value)));
    case 'not_contain_in':
      return !list().some((value) => items.some((item) => contains(item, value)));
    case 'regex':
      return items.some((item) => typeof item === 'string' && new RegExp(v as string, 'i').test(item));
    case 'regex_in':
      return list().some((pattern) => items.some((item) => typeof item === 'string' && new RegExp(pattern as string, 'i').test(item)));
    case 'exists':
      return present === v;
    case 'match':
      return items.some(
        (item) => isObject(item) && Object.entries(v as Row).every(([key, value]) => walk(item, key.split('.')).some((found) => same(found, value))),
      );
    default: {
      const [kind, order] = condition.o.split('_');
      const bound = kind === 'timediff' ? timeOf(v as string) : (time(v) as number);
      return items.some((item) => {
        const at = time(item);
        return at !== undefined && ORDER[order](at - bound);
      });
    }
  }
}
