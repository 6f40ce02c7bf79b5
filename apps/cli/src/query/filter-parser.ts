import { FILTER_OPERATORS, FilterOperator } from '@cloud-inventory/query';
import { CliError } from '../exit-codes';

/** One Cloudforet filter condition, in the short form the API accepts (`{k, v, o}`). */
export interface FilterCondition {
  k: string;
  v: unknown;
  o: FilterOperator;
}

// A key as the query language takes it: dotted segments of [A-Za-z0-9_-:@] (libs/query).
const KEY = /^[A-Za-z0-9_\-:@]+(?:\.[A-Za-z0-9_\-:@]+)*$/;
// `key[operator]=value`: any Cloudforet operator by name
const EXPLICIT = /^([^=!<>~[\]\s]+)\[([a-z_]+)\]=(.*)$/s;
// `key<symbol>value`: the longest symbol first
const SHORTHAND = /^([^=!<>~[\]\s]+)(!=|!~|<=|>=|=|<|>|~)(.*)$/s;

const SYMBOLS: Record<string, FilterOperator> = {
  '=': 'eq',
  '!=': 'not',
  '~': 'contain',
  '!~': 'not_contain',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};

// an ISO-8601 date or date-time (validated by the server), or a timediff expression such as now/d-7d
const LOOKS_LIKE_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ].*)?$/;
const LOOKS_LIKE_TIMEDIFF = /^\s?now(?:\/[dwm])?\s?(?:[+-]|$)/;
// numbers written the way JSON writes them (no leading zeros: "007" stays text)
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const LIST_OPERATORS = new Set<FilterOperator>(
  (Object.keys(FILTER_OPERATORS) as FilterOperator[]).filter((operator) => FILTER_OPERATORS[operator].multi),
);
const TEXT_OPERATORS = new Set<FilterOperator>(['contain', 'not_contain', 'contain_in', 'not_contain_in', 'regex', 'regex_in']);

export const FILTER_SYNTAX_HELP = [
  'key=value (eq), key!=value (not), key~text (contain), key!~text (not_contain),',
  'key<value, key<=value, key>value, key>=value (lt/lte/gt/gte; datetime_* for a date such as 2026-01-01,',
  'timediff_* for now, now/d-7d, ...), key[operator]=value for any Cloudforet operator',
  '(in, not_in, contain_in, not_contain_in, regex, regex_in, exists, match, datetime_*, timediff_*;',
  'list operators take a,b,c or a JSON array).',
].join(' ');

function invalid(expression: string, why: string): CliError {
  return CliError.usage(`Invalid filter "${expression}": ${why}. Filters are ${FILTER_SYNTAX_HELP}`);
}

/**
 * A scalar as typed on the command line: JSON literals (numbers written as JSON writes them, true,
 * false, null, "a quoted string") become those values; anything else is the text itself.
 */
export function typedScalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (NUMBER.test(text)) {
    const number = Number(text);
    // an integer JavaScript cannot hold exactly stays text (an account id, say)
    if (Number.isFinite(number) && (!Number.isInteger(number) || Number.isSafeInteger(number))) return number;
    return text;
  }
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  return text;
}

function listValue(expression: string, operator: FilterOperator, text: string): unknown[] {
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw invalid(expression, `the list is not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw invalid(expression, `${operator} takes a list`);
    return parsed;
  }
  if (text === '') throw invalid(expression, `${operator} takes a list of values (a,b,c)`);
  const items = text.split(',');
  return TEXT_OPERATORS.has(operator) ? items : items.map(typedScalar);
}

function valueFor(expression: string, operator: FilterOperator, text: string): unknown {
  if (LIST_OPERATORS.has(operator)) return listValue(expression, operator, text);
  if (TEXT_OPERATORS.has(operator) || operator.startsWith('datetime_') || operator.startsWith('timediff_')) return text;
  if (operator === 'exists') {
    if (text === '' || text === 'true') return true;
    if (text === 'false') return false;
    throw invalid(expression, 'exists takes true or false');
  }
  if (operator === 'match') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid(expression, 'match takes a JSON object, e.g. tags[match]={"key":"env","value":"prod"}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(expression, 'match takes a JSON object');
    return parsed;
  }
  return typedScalar(text);
}

/** The comparison a `<`, `<=`, `>`, `>=` shorthand means for this value: dates and timediffs get their own operators. */
function comparisonFor(operator: FilterOperator, text: string): FilterOperator {
  if (!['lt', 'lte', 'gt', 'gte'].includes(operator)) return operator;
  if (LOOKS_LIKE_DATE.test(text)) return `datetime_${operator}` as FilterOperator;
  if (LOOKS_LIKE_TIMEDIFF.test(text)) return `timediff_${operator}` as FilterOperator;
  return operator;
}

function checkedKey(expression: string, key: string): string {
  if (!KEY.test(key)) throw invalid(expression, `"${key}" is not a key (dotted names of letters, digits, _ - : @)`);
  return key;
}

/**
 * Parses one `-f` expression into a Cloudforet filter condition. The mapping:
 *
 * | expression | operator |
 * | `k=v` `k!=v` | eq, not |
 * | `k~v` `k!~v` | contain, not_contain (case-insensitive substring) |
 * | `k<v` `k<=v` `k>v` `k>=v` | lt, lte, gt, gte; datetime_* when v is a date (2026-01-01[T…]); timediff_* when v is now[/d|/w|/m][±Nu] |
 * | `k[op]=v` | op, any Cloudforet operator; list operators take `a,b,c` or a JSON array |
 *
 * Values of eq/not/lt/… are JSON literals when they read as one (numbers, true, false, null,
 * "quoted text"), text otherwise.
 */
export function parseFilter(expression: string): FilterCondition {
  const explicit = EXPLICIT.exec(expression);
  if (explicit) {
    const [, rawKey, name, text] = explicit;
    if (!(name in FILTER_OPERATORS)) {
      throw invalid(expression, `unknown operator "${name}" (known: ${Object.keys(FILTER_OPERATORS).join(', ')})`);
    }
    const operator = name as FilterOperator;
    return { k: checkedKey(expression, rawKey), v: valueFor(expression, operator, text), o: operator };
  }
  const shorthand = SHORTHAND.exec(expression);
  if (!shorthand) {
    throw invalid(expression, 'expected a key, an operator and a value');
  }
  const [, rawKey, symbol, text] = shorthand;
  const operator = comparisonFor(SYMBOLS[symbol], text);
  return { k: checkedKey(expression, rawKey), v: valueFor(expression, operator, text), o: operator };
}
