import { Command, Option } from 'commander';
import { CliError } from '../exit-codes';
import { readStructured } from '../input';
import { FilterCondition, parseFilter } from './filter-parser';

/** The options every list and stat command takes, as commander hands them over. */
export interface QueryFlags {
  filter?: string[];
  filterOr?: string[];
  sort?: string[];
  page?: string;
  start?: string;
  limit?: string;
  only?: string[];
  minimal?: boolean;
  keyword?: string;
  query?: string;
}

export interface SortKey {
  key: string;
  desc: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function positiveInteger(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw CliError.usage(`${what} must be a whole number of at least 1 (got "${text}").`);
  }
  return Number(text);
}

/** Filters, or-filters and the keyword: what list and stat share. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('-f, --filter <expression>', 'filter, repeatable, ANDed: key=value, key!=value, key~text, key>=2026-01-01, key[in]=a,b (see README)', collect)
    .option('--filter-or <expression>', 'filter ORed with the other --filter-or ones (the group is ANDed with --filter)', collect)
    .option('--keyword <words>', 'search the resource\'s keyword fields for these words');
}

/** Everything a list command takes: filters, sort, page, only. */
export function addQueryOptions(command: Command): Command {
  return addFilterOptions(command)
    .option('-s, --sort <keys>', 'sort by key, -key for descending; a,b or repeated for several', collect)
    .option('--page <start:limit>', 'the page: 1-based start and size, e.g. 1:20 then 21:20')
    .option('--start <n>', 'the first row, 1-based (with --limit)')
    .option('-l, --limit <n>', 'at most this many rows')
    .option('--only <keys>', 'return only these keys (comma separated; they are also the table and CSV columns)', collect)
    .option('--minimal', 'return the resource\'s minimal set of keys')
    .addOption(new Option('--query <json|@file>', 'a whole Cloudforet Query (JSON or YAML, @file or @- for stdin); the flags above are merged into it'));
}

export function parseFilters(flags: Pick<QueryFlags, 'filter' | 'filterOr'>): { filter: FilterCondition[]; filter_or: FilterCondition[] } {
  return { filter: (flags.filter ?? []).map(parseFilter), filter_or: (flags.filterOr ?? []).map(parseFilter) };
}

export function parseSort(values: string[] | undefined): SortKey[] {
  const keys = (values ?? []).flatMap((value) => value.split(',')).map((value) => value.trim());
  return keys.map((value) => {
    const desc = value.startsWith('-');
    const key = desc ? value.slice(1) : value.startsWith('+') ? value.slice(1) : value;
    if (!key) throw CliError.usage(`--sort takes key or -key (got "${value}").`);
    return { key, desc };
  });
}

export function parsePage(flags: Pick<QueryFlags, 'page' | 'start' | 'limit'>): { start?: number; limit?: number } | undefined {
  if (flags.page !== undefined && (flags.start !== undefined || flags.limit !== undefined)) {
    throw CliError.usage('Give either --page start:limit or --start/--limit, not both.');
  }
  if (flags.page !== undefined) {
    const match = /^(\d+):(\d+)$/.exec(flags.page.trim());
    if (!match) throw CliError.usage(`--page takes start:limit, e.g. 1:20 (got "${flags.page}").`);
    return { start: positiveInteger(match[1], '--page start'), limit: positiveInteger(match[2], '--page limit') };
  }
  if (flags.start === undefined && flags.limit === undefined) return undefined;
  return {
    ...(flags.start !== undefined && { start: positiveInteger(flags.start, '--start') }),
    ...(flags.limit !== undefined && { limit: positiveInteger(flags.limit, '--limit') }),
  };
}

export function parseOnly(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const keys = values.flatMap((value) => value.split(',')).map((key) => key.trim()).filter(Boolean);
  if (keys.length === 0) throw CliError.usage('--only takes a comma separated list of keys.');
  return keys;
}

function baseQuery(flags: QueryFlags): Record<string, unknown> {
  if (flags.query === undefined) return {};
  const query = readStructured(flags.query, '--query');
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw CliError.usage('--query must be a JSON or YAML object.');
  return query as Record<string, unknown>;
}

/** A Cloudforet `Query` (core v2) from the list flags. */
export function buildQuery(flags: QueryFlags): Record<string, unknown> {
  const query = baseQuery(flags);
  const { filter, filter_or } = parseFilters(flags);
  if (filter.length) query['filter'] = [...((query['filter'] as unknown[]) ?? []), ...filter];
  if (filter_or.length) query['filter_or'] = [...((query['filter_or'] as unknown[]) ?? []), ...filter_or];
  const sort = parseSort(flags.sort);
  if (sort.length) query['sort'] = sort;
  const page = parsePage(flags);
  if (page) query['page'] = page;
  const only = parseOnly(flags.only);
  if (only) query['only'] = only;
  if (flags.minimal) query['minimal'] = true;
  if (flags.keyword !== undefined) query['keyword'] = flags.keyword;
  return query;
}
