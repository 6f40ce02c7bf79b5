import { Command } from 'commander';
import { CliError } from '../exit-codes';
import { readStructured } from '../input';
import { COLUMNS } from '../output/columns';
import { columnsOf, renderRows } from '../output/render';
import { QueryFlags, addFilterOptions, addQueryOptions, parseFilters, parsePage, parseSort } from '../query/query-options';
import { CommandKit, collectValues, listResources, printObject } from './command-kit';

interface StatFlags extends Pick<QueryFlags, 'filter' | 'filterOr' | 'keyword' | 'sort' | 'page' | 'start' | 'limit' | 'query'> {
  groupBy?: string[];
  field?: string[];
  distinct?: string;
}

/** `name=operator[:key]`, e.g. `total=count`, `size=sum:instance_size`, `last=max:updated_at`. */
export function parseStatField(text: string): Record<string, unknown> {
  const match = /^([A-Za-z0-9_]+)=([a-z_]+)(?::(.+))?$/.exec(text);
  if (!match) throw CliError.usage(`--field takes name=operator or name=operator:key, e.g. count=count or size=sum:instance_size (got "${text}").`);
  const [, name, operator, key] = match;
  return { name, operator, ...(key !== undefined && { key }) };
}

/** A Cloudforet StatisticsQuery from the stat flags: filters, then `distinct`, or a group stage and a sort stage. */
export function buildStatQuery(flags: StatFlags): Record<string, unknown> {
  let query: Record<string, unknown> = {};
  if (flags.query !== undefined) {
    const base = readStructured(flags.query, '--query');
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw CliError.usage('--query must be a JSON or YAML object.');
    query = base as Record<string, unknown>;
  }
  const { filter, filter_or } = parseFilters(flags);
  if (filter.length) query['filter'] = [...((query['filter'] as unknown[]) ?? []), ...filter];
  if (filter_or.length) query['filter_or'] = [...((query['filter_or'] as unknown[]) ?? []), ...filter_or];
  if (flags.keyword !== undefined) query['keyword'] = flags.keyword;
  const page = parsePage(flags);
  if (page) query['page'] = page;
  const groupBy = (flags.groupBy ?? []).flatMap((value) => value.split(',')).map((key) => key.trim()).filter(Boolean);
  const sort = parseSort(flags.sort);
  if (flags.distinct !== undefined) {
    if (groupBy.length || flags.field?.length) throw CliError.usage('--distinct cannot be combined with --group-by or --field.');
    query['distinct'] = flags.distinct;
    return query;
  }
  if (groupBy.length || flags.field?.length || !query['aggregate']) {
    const fields = flags.field?.length ? flags.field.map(parseStatField) : [{ name: 'count', operator: 'count' }];
    // a group key is named by its last segment (data.compute.az → az), as Cloudforet's analyze names them
    const keys = groupBy.map((key) => ({ key, name: key.split('.').pop() }));
    const aggregate = [...((query['aggregate'] as unknown[]) ?? []), { group: { keys, fields } }];
    if (sort.length) aggregate.push({ sort });
    query['aggregate'] = aggregate;
  } else if (sort.length) {
    query['aggregate'] = [...(query['aggregate'] as unknown[]), { sort }];
  }
  return query;
}

export function cloudServiceCommand(kit: CommandKit): Command {
  const cloudService = new Command('cloud-service').description('the collected resources');

  addQueryOptions(cloudService.command('list').description('list cloud services (DELETED ones only when a filter asks about state)')).action(
    kit.action(async (context, flags: QueryFlags) => {
      await listResources(context, 'CloudService', {}, flags, COLUMNS.cloudService);
    }),
  );

  cloudService
    .command('get')
    .description('show one cloud service with its data')
    .argument('<cloud_service_id>')
    .action(
      kit.action(async (context, id: string) => {
        printObject(context, await context.client().call('CloudService', 'get', { cloud_service_id: id }), COLUMNS.cloudService);
      }),
    );

  addFilterOptions(
    cloudService
      .command('stat')
      .description('statistics of cloud services: counts (or other fields) grouped by keys, or the distinct values of a key')
      .option('-g, --group-by <keys>', 'group by these keys (comma separated or repeated), e.g. cloud_service_type,region_code', collectValues)
      .option('--field <name=operator[:key]>', 'a value per group, repeatable (default count=count): count, sum, average, min, max, first, last, push, add_to_set', collectValues)
      .option('--distinct <key>', 'the distinct values of one key instead')
      .option('-s, --sort <keys>', 'sort the groups by these names, -name for descending', collectValues)
      .option('--page <start:limit>', 'the page of groups: 1-based start and size')
      .option('--start <n>', 'the first group, 1-based (with --limit)')
      .option('-l, --limit <n>', 'at most this many groups')
      .option('--query <json|@file>', 'a whole Cloudforet StatisticsQuery (JSON or YAML); the flags above are merged into it'),
  ).action(
    kit.action(async (context, flags: StatFlags) => {
      const query = buildStatQuery(flags);
      const format = context.format;
      const answer = await context.client().call<{ results: unknown[]; total_count?: number }>('CloudService', 'stat', { query });
      const results = answer.results ?? [];
      const rows = results.map((value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value }));
      context.print(renderRows(rows, columnsOf(rows), format, answer));
    }),
  );

  return cloudService;
}
