import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../exit-codes';

export const DEFAULT_ENDPOINT = 'localhost:50051';
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** What `config set` stores: the connection a user sets up once. */
export interface StoredConfig {
  endpoint?: string;
  token?: string;
  domain?: string;
}

const STORED_KEYS: readonly (keyof StoredConfig)[] = ['endpoint', 'token', 'domain'];

export type Source = 'flag' | 'env' | 'config' | 'default';

/** Where to connect and as whom, after flags, environment and the config file are weighed. */
export interface Connection {
  /** host:port as grpc-js takes it */
  address: string;
  /** as the user wrote it (for messages) */
  endpoint: string;
  tls: boolean;
  token?: string;
  domain?: string;
  timeoutMs: number;
  sources: { endpoint: Source; token?: Source; domain?: Source };
}

export interface ConnectionFlags {
  endpoint?: string;
  token?: string;
  domain?: string;
  timeout?: string;
}

/** $CLOUD_INVENTORY_CONFIG, else $XDG_CONFIG_HOME/cloud-inventory/config.json, else ~/.config/cloud-inventory/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CLOUD_INVENTORY_CONFIG']) return env['CLOUD_INVENTORY_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'cloud-inventory', 'config.json');
}

export function readConfig(path: string): StoredConfig {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw CliError.usage(`The config file ${path} is not valid JSON (${(error as Error).message}); fix it or set it again with \`cloud-inventory config set\`.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw CliError.usage(`The config file ${path} must hold a JSON object.`);
  }
  const config: StoredConfig = {};
  for (const key of STORED_KEYS) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string' && value) config[key] = value;
  }
  return config;
}

/** Writes the config readable by its owner only (0600, folder 0700), replacing the old file at once. */
export function writeConfig(path: string, config: StoredConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // the mode given to writeFileSync is filtered by the umask, and ignored for an existing file
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** host:port, grpc://host:port or grpc+ssl://host:port (Cloudforet's spacectl form); the port defaults to 50051. */
export function parseEndpoint(endpoint: string): { address: string; tls: boolean } {
  const match = /^(?:(grpc|grpc\+ssl|grpcs):\/\/)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?\/?$/.exec(endpoint.trim());
  if (!match) throw CliError.usage(`The endpoint "${endpoint}" is not host:port, grpc://host:port or grpc+ssl://host:port.`);
  const [, scheme, host, port = '50051'] = match;
  if (Number(port) < 1 || Number(port) > 65535) throw CliError.usage(`The endpoint "${endpoint}" has no valid port.`);
  return { address: `${host}:${port}`, tls: scheme === 'grpc+ssl' || scheme === 'grpcs' };
}

function pick(flag: string | undefined, env: string | undefined, stored: string | undefined): { value?: string; source?: Source } {
  if (flag !== undefined && flag !== '') return { value: flag, source: 'flag' };
  if (env) return { value: env, source: 'env' };
  if (stored) return { value: stored, source: 'config' };
  return {};
}

/** Flags win over CLOUD_INVENTORY_* variables, which win over the config file. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, stored: StoredConfig): Connection {
  const endpoint = pick(flags.endpoint, env['CLOUD_INVENTORY_ENDPOINT'], stored.endpoint);
  const token = pick(flags.token, env['CLOUD_INVENTORY_TOKEN'], stored.token);
  const domain = pick(flags.domain, env['CLOUD_INVENTORY_DOMAIN'], stored.domain);
  const endpointText = endpoint.value ?? DEFAULT_ENDPOINT;
  const { address, tls } = parseEndpoint(endpointText);
  const timeoutText = flags.timeout ?? env['CLOUD_INVENTORY_TIMEOUT'];
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (timeoutText !== undefined) {
    timeoutSeconds = Number(timeoutText);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw CliError.usage(`--timeout takes a number of seconds above 0 (got "${timeoutText}").`);
  }
  return {
    address,
    endpoint: endpointText,
    tls,
    token: token.value,
    domain: domain.value,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    sources: { endpoint: endpoint.source ?? 'default', token: token.source, domain: domain.source },
  };
}

/** A token shown without giving it away. */
export function maskToken(token: string | undefined): string {
  if (!token) return '';
  return token.length <= 12 ? '****' : `${token.slice(0, 6)}…${token.slice(-4)} (${token.length} characters)`;
}
