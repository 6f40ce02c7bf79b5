import { Command } from 'commander';
import { StoredConfig, maskToken, parseEndpoint, readConfig, writeConfig } from '../config/cli-config';
import { CliError } from '../exit-codes';
import { renderObject } from '../output/render';
import { CommandKit } from './command-kit';

const KEYS = ['endpoint', 'token', 'domain'] as const;

export function configCommand(kit: CommandKit): Command {
  const config = new Command('config').description('the endpoint, token and domain, stored once in the user\'s config file (mode 0600)');

  config
    .command('set')
    .description('store the connection: config set --endpoint host:port --token <jwt|@file> --domain <domain_id> (any of them)')
    .action(
      kit.action(async (context) => {
        const { endpoint, token, domain } = context.globals;
        if (endpoint === undefined && token === undefined && domain === undefined) {
          throw CliError.usage('config set: give --endpoint, --token and/or --domain.');
        }
        if (endpoint !== undefined) parseEndpoint(endpoint);
        const path = context.configFile;
        const stored: StoredConfig = { ...readConfig(path) };
        if (endpoint !== undefined) stored.endpoint = endpoint;
        if (token !== undefined) stored.token = context.tokenOf(token);
        if (domain !== undefined) stored.domain = domain;
        writeConfig(path, stored);
        context.note(`Saved to ${path}.`);
      }),
    );

  config
    .command('unset')
    .description('forget a stored value')
    .argument('<key>', KEYS.join(' | '))
    .action(
      kit.action(async (context, key: string) => {
        if (!(KEYS as readonly string[]).includes(key)) throw CliError.usage(`config unset takes ${KEYS.join(', ')} (got "${key}").`);
        const path = context.configFile;
        const stored: StoredConfig = { ...readConfig(path) };
        delete stored[key as keyof StoredConfig];
        writeConfig(path, stored);
        context.note(`Removed ${key} from ${path}.`);
      }),
    );

  config
    .command('show')
    .description('the connection in effect and where each value comes from (flag, env, config, default); the token masked')
    .action(
      kit.action(async (context) => {
        const connection = context.connection;
        const shown = {
          config_file: context.configFile,
          endpoint: connection.endpoint,
          endpoint_from: connection.sources.endpoint,
          tls: connection.tls,
          token: maskToken(connection.token),
          token_from: connection.sources.token ?? '',
          domain: connection.domain ?? '',
          domain_from: connection.sources.domain ?? '',
          timeout_seconds: connection.timeoutMs / 1000,
        };
        context.print(renderObject(shown, context.format));
      }),
    );

  return config;
}
