import { Command, CommanderError, Option } from 'commander';
import { CliIo } from './cli-context';
import { cloudServiceCommand } from './commands/cloud-service.command';
import { collectCommand } from './commands/collect.command';
import { collectorCommand } from './commands/collector.command';
import { CommandKit } from './commands/command-kit';
import { configCommand } from './commands/config.command';
import { jobCommand } from './commands/job.command';
import { secretCommand } from './commands/secret.command';
import { ExitCode, describeFailure } from './exit-codes';
import { OUTPUT_FORMATS } from './output/render';

export const CLI_VERSION = '0.1.0';

/** Every command, each writing through `io` and reporting its exit code to `kit`. */
export function buildProgram(kit: CommandKit): Command {
  const { io } = kit;
  const program = new Command('cloud-inventory')
    .description('The cloud inventory from the command line: collectors, secrets, collect jobs and cloud services over gRPC.')
    .version(CLI_VERSION, '-V, --version')
    .option('--endpoint <host:port>', 'the inventory\'s gRPC endpoint (grpc+ssl://host:port for TLS) [env CLOUD_INVENTORY_ENDPOINT, default localhost:50051]')
    .option('--token <jwt|@file>', 'the access token, sent as gRPC metadata "token" [env CLOUD_INVENTORY_TOKEN]')
    .option('--domain <domain_id>', 'the domain, sent as gRPC metadata "x_domain_id" [env CLOUD_INVENTORY_DOMAIN]')
    .addOption(new Option('-o, --output <format>', 'table, json, yaml or csv [env CLOUD_INVENTORY_OUTPUT; default table on a terminal, json otherwise]').choices([...OUTPUT_FORMATS]))
    .option('--timeout <seconds>', 'deadline of each call [env CLOUD_INVENTORY_TIMEOUT, default 30]')
    .showHelpAfterError('(add --help for the usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const command of [
    configCommand(kit),
    collectorCommand(kit),
    secretCommand(kit),
    collectCommand(kit),
    jobCommand(kit),
    cloudServiceCommand(kit),
  ]) {
    program.addCommand(command);
  }
  // every command (sub-commands included) throws instead of exiting, so that run() picks the code
  const overrideExit = (command: Command) => {
    command.exitOverride();
    command.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    command.commands.forEach(overrideExit);
  };
  overrideExit(program);
  return program;
}

/** Runs one command line (argv without node and the script) and returns the exit code. */
export async function run(args: string[], io: CliIo): Promise<ExitCode> {
  const kit = new CommandKit(io);
  const program = buildProgram(kit);
  try {
    await program.parseAsync(args, { from: 'user' });
    return kit.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version end with exitCode 0; everything else commander refuses is a usage error
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    const endpoint = safeEndpoint(kit);
    const { exitCode, message } = describeFailure(error, endpoint);
    io.stderr.write(`cloud-inventory: ${message}\n`);
    return exitCode;
  } finally {
    kit.close();
  }
}

function safeEndpoint(kit: CommandKit): string | undefined {
  try {
    return kit.lastEndpoint();
  } catch {
    return undefined;
  }
}
