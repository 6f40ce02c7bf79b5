import { Command } from 'commander';
import { InventoryClient } from './client/inventory-client';
import { Connection, ConnectionFlags, configPath, readConfig, resolveConnection } from './config/cli-config';
import { CliError } from './exit-codes';
import { readArgument } from './input';
import { OutputFormat, resolveFormat } from './output/render';

/** The process around the CLI: where it writes and what it reads. Tests hand in their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface GlobalFlags extends ConnectionFlags {
  output?: string;
}

/** What a command's action works with: the resolved globals, the client (made on first use) and output. */
export class CliContext {
  private inventory?: InventoryClient;
  private connectionValue?: Connection;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalFlags,
  ) {}

  static of(io: CliIo, command: Command): CliContext {
    return new CliContext(io, command.optsWithGlobals<GlobalFlags>());
  }

  get stdoutIsTty(): boolean {
    return !!this.io.stdout.isTTY;
  }

  get format(): OutputFormat {
    return resolveFormat(this.globals.output, this.io.env, this.stdoutIsTty);
  }

  get configFile(): string {
    return configPath(this.io.env);
  }

  get connection(): Connection {
    if (!this.connectionValue) {
      const flags = { ...this.globals, ...(this.globals.token !== undefined && { token: this.tokenOf(this.globals.token) }) };
      this.connectionValue = resolveConnection(flags, this.io.env, readConfig(this.configFile));
    }
    return this.connectionValue;
  }

  get resolvedEndpoint(): string | undefined {
    return this.connectionValue?.endpoint;
  }

  /** A token flag: the JWT itself, or @file (e.g. the admin.token the inventory writes) or @- for stdin. */
  tokenOf(flag: string): string {
    const token = readArgument(flag, '--token').trim();
    if (!token) throw CliError.usage('--token is empty.');
    return token;
  }

  client(): InventoryClient {
    this.inventory ??= new InventoryClient(this.connection);
    return this.inventory;
  }

  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** For people, not for parsers: stderr. */
  note(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  close(): void {
    this.inventory?.close();
  }
}
