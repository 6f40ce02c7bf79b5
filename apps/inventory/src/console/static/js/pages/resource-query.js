// The resource browser's state (filters, keyword, sort, page, columns) and how it becomes a
// Cloudforet Query. The state lives in the address (#/resources?…), so a view can be bookmarked
// and shared; filter values are kept as typed and parsed when the query is built.

export const COLUMNS = [
  { key: 'name', label: 'Name' },
  { key: 'cloud_service_group', label: 'Group' },
  { key: 'cloud_service_type', label: 'Type' },
  { key: 'provider', label: 'Provider' },
  { key: 'account', label: 'Account' },
  { key: 'region_code', label: 'Region' },
  { key: 'state', label: 'State' },
  { key: 'instance_type', label: 'Instance type' },
  { key: 'instance_size', label: 'Instance size', numeric: true },
  { key: 'ip_addresses', label: 'IP addresses', unsortable: true },
  { key: 'project_id', label: 'Project' },
  { key: 'collection_info.collector_id', label: 'Collector' },
  { key: 'collection_info.last_collected_at', label: 'Last collected', time: true },
  { key: 'created_at', label: 'Created', time: true },
  { key: 'updated_at', label: 'Updated', time: true },
  { key: 'cloud_service_id', label: 'ID' },
];

export const DEFAULT_COLUMNS = ['name', 'cloud_service_group', 'cloud_service_type', 'provider', 'account', 'region_code', 'state', 'created_at'];

/** Keys offered while typing a filter (any data.*, tags.<provider>.* or metadata.* path works too: tags are keyed by provider). */
export const FILTER_KEYS = [
  ...COLUMNS.map((c) => c.key),
  'cloud_service_id',
  'reference.resource_id',
  'collection_info.secret_id',
  'collection_info.service_account_id',
  'workspace_id',
  'tags.',
  'data.',
  'metadata.',
];

export const OPERATORS = [
  ['eq', 'equals'],
  ['not', 'does not equal'],
  ['in', 'is one of (a, b, …)'],
  ['not_in', 'is none of (a, b, …)'],
  ['contain', 'contains'],
  ['not_contain', 'does not contain'],
  ['contain_in', 'contains one of (a, b, …)'],
  ['not_contain_in', 'contains none of (a, b, …)'],
  ['regex', 'matches the regex'],
  ['regex_in', 'matches one of the regexes'],
  ['lt', '<'],
  ['lte', '≤'],
  ['gt', '>'],
  ['gte', '≥'],
  ['exists', 'exists (true / false)'],
  ['datetime_lt', 'before (ISO time)'],
  ['datetime_lte', 'at or before (ISO time)'],
  ['datetime_gt', 'after (ISO time)'],
  ['datetime_gte', 'at or after (ISO time)'],
  ['timediff_lt', 'before (now-1d, now/d, …)'],
  ['timediff_gt', 'after (now-1d, now/d, …)'],
];

const LIST_OPERATORS = new Set(['in', 'not_in', 'contain_in', 'not_contain_in', 'regex_in']);
const TEXT_OPERATORS = /^(contain|not_contain|regex|datetime_|timediff_)/;
const PAGE_SIZES = [10, 25, 50, 100];
export { PAGE_SIZES };

/**
 * A typed value: "quoted" is text; true, false and null are themselves; a number that reads back
 * the same is a number (so data.hardware.core = 4 matches the number 4, and a text column compares
 * it as its digits); anything else is text.
 */
export function parseScalar(text) {
  const value = text.trim();
  if (/^".*"$/s.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(value) && String(Number(value)) === value) return Number(value);
  return value;
}

export function parseFilterValue(operator, text) {
  if (LIST_OPERATORS.has(operator)) {
    return text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => (TEXT_OPERATORS.test(operator) ? part : parseScalar(part)));
  }
  if (operator === 'exists') return text.trim() !== 'false';
  if (TEXT_OPERATORS.test(operator)) return text.trim();
  return parseScalar(text);
}

/** @typedef {{ k: string, o: string, v: string }} Condition  v as typed */

export function readState(query) {
  let filter = [];
  try {
    const parsed = JSON.parse(query.get('filter') ?? '[]');
    if (Array.isArray(parsed)) {
      filter = parsed.filter((c) => c && typeof c.k === 'string').map((c) => ({ k: c.k, o: typeof c.o === 'string' ? c.o : 'eq', v: typeof c.v === 'string' ? c.v : String(c.v ?? '') }));
    }
  } catch {
    // an address edited by hand: start without filters
  }
  const known = new Set(COLUMNS.map((c) => c.key));
  const columns = (query.get('columns') ?? '').split(',').filter((key) => known.has(key));
  const limit = Number(query.get('limit'));
  return {
    filter,
    keyword: query.get('keyword') ?? '',
    sort: query.get('sort') ?? '',
    desc: query.get('desc') === '1',
    start: Math.max(1, Math.floor(Number(query.get('start'))) || 1),
    limit: PAGE_SIZES.includes(limit) ? limit : 25,
    columns: columns.length ? columns : [...DEFAULT_COLUMNS],
  };
}

export function writeState(state) {
  const params = new URLSearchParams();
  if (state.filter.length) params.set('filter', JSON.stringify(state.filter));
  if (state.keyword) params.set('keyword', state.keyword);
  if (state.sort) params.set('sort', state.sort);
  if (state.sort && state.desc) params.set('desc', '1');
  if (state.start > 1) params.set('start', String(state.start));
  if (state.limit !== 25) params.set('limit', String(state.limit));
  if (state.columns.join(',') !== DEFAULT_COLUMNS.join(',')) params.set('columns', state.columns.join(','));
  const search = params.toString();
  return `#/resources${search ? `?${search}` : ''}`;
}

/** The CloudServiceQuery of a state. */
export function toRequest(state) {
  const query = {
    filter: state.filter.filter((c) => c.k.trim()).map((c) => ({ k: c.k.trim(), v: parseFilterValue(c.o, c.v), o: c.o })),
    page: { start: state.start, limit: state.limit },
    only: ['cloud_service_id', ...state.columns.filter((key) => key !== 'cloud_service_id')],
  };
  if (state.keyword.trim()) query.keyword = state.keyword.trim();
  if (state.sort) query.sort = [{ key: state.sort, desc: state.desc }];
  return { query };
}

/** a.b.c of an object, or undefined. */
export function valueAt(object, path) {
  return path.split('.').reduce((value, key) => (value && typeof value === 'object' ? value[key] : undefined), object);
}

let lastView = '#/resources';

/** The browser's last view (filters, sort, page), for the detail page's way back. */
export function rememberView(hash) {
  lastView = hash;
}

export function lastResourcesView() {
  return lastView;
}
