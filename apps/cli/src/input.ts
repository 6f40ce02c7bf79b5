import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { CliError } from './exit-codes';

/** `@path` reads a file, `@-` standard input; anything else is the value itself. */
export function readArgument(value: string, what: string): string {
  if (!value.startsWith('@')) return value;
  const path = value.slice(1);
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw CliError.usage(`${what}: cannot read ${path === '-' ? 'standard input' : path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/** A JSON or YAML value given inline or as @file / @- (YAML 1.2 reads JSON as well). */
export function readStructured(value: string, what: string): unknown {
  const text = readArgument(value, what);
  try {
    return YAML.parse(text);
  } catch (error) {
    throw CliError.usage(`${what} is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Like readStructured, for values that must be an object (options, tags, secret data, requests). */
export function readObject(value: string, what: string): Record<string, unknown> {
  const parsed = readStructured(value, what);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw CliError.usage(`${what} must be an object (JSON {"key": ...} or YAML key: ...).`);
  }
  return parsed as Record<string, unknown>;
}

/** `key=value` pairs (repeated --tag flags) → an object; values stay text. */
export function keyValuePairs(pairs: string[] | undefined, what: string): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw CliError.usage(`${what} takes key=value (got "${pair}").`);
    result[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return result;
}
