import { Command } from 'commander';
import { CliContext, CliIo } from '../cli-context';
import { InventoryService } from '../client/inventory-client';
import { CliError, ExitCode } from '../exit-codes';
import { readObject, readStructured } from '../input';
import { columnsFor } from '../output/columns';
import { renderList, renderObject } from '../output/render';
import { typedScalar } from '../query/filter-parser';
import { QueryFlags, buildQuery, parseOnly } from '../query/query-options';

/** Shared by the command builders: opens a context per action and remembers the exit code. */
export class CommandKit {
  exitCode: ExitCode = ExitCode.OK;
  private readonly contexts: CliContext[] = [];

  constructor(readonly io: CliIo) {}

  /** An action body run with its context; its return value, when given, is the exit code. */
  action<A extends unknown[]>(body: (context: CliContext, ...args: A) => Promise<ExitCode | void>): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const context = CliContext.of(this.io, command);
      this.contexts.push(context);
      const code = await body(context, ...(args.slice(0, -1) as A));
      if (code !== undefined) this.exitCode = code;
    };
  }

  /** The endpoint of the last command that connected, for error messages. */
  lastEndpoint(): string | undefined {
    return this.contexts.at(-1)?.resolvedEndpoint;
  }

  close(): void {
    for (const context of this.contexts) context.close();
  }
}

export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Runs a list call with the query flags and prints the answer under the resource's columns. */
export async function listResources(
  context: CliContext,
  service: InventoryService,
  request: Record<string, unknown>,
  flags: QueryFlags,
  defaultColumns: readonly string[],
): Promise<void> {
  const query = buildQuery(flags);
  const format = context.format;
  const answer = await context.client().call<{ results: Record<string, unknown>[]; total_count: number }>(service, 'list', { ...request, query });
  context.print(renderList(answer, columnsFor(defaultColumns, parseOnly(flags.only)), format));
}

export function printObject(context: CliContext, object: Record<string, unknown>, csvColumns?: readonly string[]): void {
  const format = context.format;
  // a table shows every field of one resource; CSV the resource's usual columns
  context.print(renderObject(object, format, format === 'csv' && csvColumns ? [...csvColumns] : undefined));
}

/** Sets `a.b.c` in an object, making the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  if (keys.some((key) => key === '')) throw CliError.usage(`"${path}" is not a key (a or a.b.c).`);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** `--options <json|yaml|@file>` merged with repeated `--option key.path=value` (values typed like filter values). */
export function optionsFrom(json: string | undefined, pairs: string[] | undefined, what: string): Record<string, unknown> | undefined {
  if (json === undefined && !pairs?.length) return undefined;
  const options = json !== undefined ? readObject(json, what) : {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw CliError.usage(`--option takes key=value (got "${pair}").`);
    const text = pair.slice(at + 1);
    const value = text.startsWith('{') || text.startsWith('[') ? readStructured(text, `--option ${pair.slice(0, at)}`) : typedScalar(text);
    setPath(options, pair.slice(0, at), value);
  }
  return options;
}

/** `--schedule 0,12` → Cloudforet's Scheduled (hours in UTC); `off` disables it. */
export function scheduleFrom(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (text === 'off' || text === 'disabled') return { state: 'DISABLED', hours: [] };
  const hours = text.split(',').map((hour) => hour.trim());
  if (hours.some((hour) => !/^\d{1,2}$/.test(hour) || Number(hour) > 23)) {
    throw CliError.usage(`--schedule takes hours of the day in UTC, e.g. 0,12, or off (got "${text}").`);
  }
  return { state: 'ENABLED', hours: hours.map(Number) };
}
