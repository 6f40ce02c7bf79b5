import { Command } from 'commander';
import { CliError } from '../exit-codes';
import { keyValuePairs, readObject } from '../input';
import { COLUMNS } from '../output/columns';
import { QueryFlags, addQueryOptions } from '../query/query-options';
import { CommandKit, collectValues, listResources, optionsFrom, printObject, scheduleFrom } from './command-kit';

interface CollectorFields {
  name?: string;
  provider?: string;
  pluginId?: string;
  pluginVersion?: string;
  options?: string;
  option?: string[];
  schedule?: string;
  tag?: string[];
  tags?: string;
  secretFilter?: string;
  json?: string;
}

function tagsFrom(fields: CollectorFields): Record<string, unknown> | undefined {
  const pairs = keyValuePairs(fields.tag, '--tag');
  if (fields.tags === undefined) return pairs;
  return { ...readObject(fields.tags, '--tags'), ...pairs };
}

function withRequestOptions(command: Command): Command {
  return command
    .option('--schedule <hours|off>', 'collect every day at these UTC hours (at most two, e.g. 0,12), or off')
    .option('--tag <key=value>', 'a tag, repeatable', collectValues)
    .option('--tags <json|@file>', 'tags as a JSON or YAML object')
    .option('--secret-filter <json|@file>', "Cloudforet's secret_filter {state, secrets, exclude_secrets, ...}")
    .option('--json <json|@file>', 'more request fields (JSON or YAML), merged under the flags');
}

export function collectorCommand(kit: CommandKit): Command {
  const collector = new Command('collector').description('collectors: a plugin, its options, a schedule');

  withRequestOptions(
    collector
      .command('create')
      .description('create a collector (the inventory calls the plugin\'s init and stores its metadata)')
      .requiredOption('--name <name>', 'the collector\'s name')
      .requiredOption('--plugin-id <id>', 'a registered collector plugin, e.g. synthetic')
      .option('--plugin-version <version>', 'the plugin version')
      .option('--provider <provider>', 'the provider of the secrets it collects with (e.g. aws, synthetic)')
      .option('--options <json|@file>', 'plugin options as a JSON or YAML object')
      .option('--option <key=value>', 'one plugin option, repeatable; dotted keys nest (storage_plugin.plugin_id=file-storage)', collectValues),
  ).action(
    kit.action(async (context, fields: CollectorFields) => {
      const request: Record<string, unknown> = fields.json !== undefined ? readObject(fields.json, '--json') : {};
      const options = optionsFrom(fields.options, fields.option, '--options');
      request['name'] = fields.name;
      if (fields.provider !== undefined) request['provider'] = fields.provider;
      request['plugin_info'] = {
        ...((request['plugin_info'] as Record<string, unknown>) ?? {}),
        plugin_id: fields.pluginId,
        ...(fields.pluginVersion !== undefined && { version: fields.pluginVersion }),
        ...(options && { options }),
      };
      const schedule = scheduleFrom(fields.schedule);
      if (schedule) request['schedule'] = schedule;
      const tags = tagsFrom(fields);
      if (tags) request['tags'] = tags;
      if (fields.secretFilter !== undefined) request['secret_filter'] = readObject(fields.secretFilter, '--secret-filter');
      printObject(context, await context.client().call('Collector', 'create', request), COLUMNS.collector);
    }),
  );

  addQueryOptions(collector.command('list').description('list collectors').option('--plugin-id <id>', 'only those of this plugin')).action(
    kit.action(async (context, flags: QueryFlags & { pluginId?: string }) => {
      await listResources(context, 'Collector', flags.pluginId ? { plugin_id: flags.pluginId } : {}, flags, COLUMNS.collector);
    }),
  );

  collector
    .command('get')
    .description('show one collector')
    .argument('<collector_id>')
    .action(
      kit.action(async (context, collectorId: string) => {
        printObject(context, await context.client().call('Collector', 'get', { collector_id: collectorId }), COLUMNS.collector);
      }),
    );

  withRequestOptions(
    collector
      .command('update')
      .description('change a collector: name, schedule, tags, secret filter (Collector.update); options, plugin version (Collector.update_plugin)')
      .argument('<collector_id>')
      .option('--name <name>', 'a new name')
      .option('--plugin-version <version>', 'another plugin version')
      .option('--options <json|@file>', 'new plugin options (they replace the old ones)')
      .option('--option <key=value>', 'change one plugin option, repeatable; the others are kept (on top of --options when given)', collectValues),
  ).action(
    kit.action(async (context, collectorId: string, fields: CollectorFields) => {
      const update: Record<string, unknown> = fields.json !== undefined ? readObject(fields.json, '--json') : {};
      if (fields.name !== undefined) update['name'] = fields.name;
      const schedule = scheduleFrom(fields.schedule);
      if (schedule) update['schedule'] = schedule;
      const tags = tagsFrom(fields);
      if (tags) update['tags'] = tags;
      if (fields.secretFilter !== undefined) update['secret_filter'] = readObject(fields.secretFilter, '--secret-filter');
      const client = context.client();
      // --option alone changes those options and keeps the others: it starts from the stored ones
      let base = fields.options;
      if (base === undefined && fields.option?.length) {
        const current = await client.call<{ plugin_info?: { options?: unknown } }>('Collector', 'get', { collector_id: collectorId });
        base = JSON.stringify(current.plugin_info?.options ?? {});
      }
      const options = optionsFrom(base, fields.option, '--options');
      const plugin: Record<string, unknown> = {};
      if (options) plugin['options'] = options;
      if (fields.pluginVersion !== undefined) plugin['version'] = fields.pluginVersion;
      if (Object.keys(update).length === 0 && Object.keys(plugin).length === 0) {
        throw CliError.usage('collector update: give at least one of --name, --schedule, --tag/--tags, --secret-filter, --options/--option, --plugin-version, --json.');
      }
      let result: Record<string, unknown> | undefined;
      if (Object.keys(update).length) result = await client.call('Collector', 'update', { ...update, collector_id: collectorId });
      if (Object.keys(plugin).length) result = await client.call('Collector', 'update_plugin', { ...plugin, collector_id: collectorId });
      printObject(context, result!, COLUMNS.collector);
    }),
  );

  collector
    .command('delete')
    .description('delete a collector')
    .argument('<collector_id>')
    .action(
      kit.action(async (context, collectorId: string) => {
        await context.client().call('Collector', 'delete', { collector_id: collectorId });
        context.note(`Deleted ${collectorId}.`);
      }),
    );

  return collector;
}
