import { Command } from 'commander';
import { keyValuePairs, readObject } from '../input';
import { COLUMNS } from '../output/columns';
import { QueryFlags, addQueryOptions } from '../query/query-options';
import { CommandKit, collectValues, listResources, printObject } from './command-kit';

interface SecretFields {
  name: string;
  data: string;
  provider?: string;
  schemaId?: string;
  tag?: string[];
  json?: string;
}

export function secretCommand(kit: CommandKit): Command {
  const secret = new Command('secret').description('secrets: the credentials collectors run with (stored encrypted, never shown)');

  secret
    .command('create')
    .description('store a secret')
    .requiredOption('--name <name>', 'the secret\'s name')
    .requiredOption('--data <json|@file|@->', 'the secret data, a JSON or YAML object; @file or @- (standard input) keeps it out of the shell history')
    .option('--provider <provider>', 'the provider it is for (collectors pick secrets by provider)')
    .option('--schema-id <id>', 'the schema of the data')
    .option('--tag <key=value>', 'a tag, repeatable', collectValues)
    .option('--json <json|@file>', 'more request fields (JSON or YAML), merged under the flags')
    .action(
      kit.action(async (context, fields: SecretFields) => {
        const request: Record<string, unknown> = fields.json !== undefined ? readObject(fields.json, '--json') : {};
        request['name'] = fields.name;
        request['data'] = readObject(fields.data, '--data');
        if (fields.provider !== undefined) request['provider'] = fields.provider;
        if (fields.schemaId !== undefined) request['schema_id'] = fields.schemaId;
        const tags = keyValuePairs(fields.tag, '--tag');
        if (tags) request['tags'] = tags;
        printObject(context, await context.client().call('Secret', 'create', request), COLUMNS.secret);
      }),
    );

  addQueryOptions(secret.command('list').description('list secrets (never their data)').option('--provider <provider>', 'only those of this provider')).action(
    kit.action(async (context, flags: QueryFlags & { provider?: string }) => {
      await listResources(context, 'Secret', flags.provider ? { provider: flags.provider } : {}, flags, COLUMNS.secret);
    }),
  );

  return secret;
}
