import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKSPACE = resolve(__dirname, '../../..');

export interface AppProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  log(): string;
  /** Resolves with the exit code (or the signal that ended the process) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a built app (dist/apps/<app>/main.js) as its own process, its output in a log file named
 * after `name` (the app's by default; another for a second process of the same app).
 */
export function startApp(app: string, env: Record<string, string>, logDir: string, nodeArgs: string[] = [], name = app): AppProcess {
  const main = join(WORKSPACE, 'dist/apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the apps first (npx nx run-many -t build)`);
  const logFile = join(logDir, `${name}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: WORKSPACE,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // both streams into one file, which ends only when the process has closed them both
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  // resolves once the process has exited and everything it wrote is in its log file (a test reads
  // the log right after: 'exit' alone can come before the last lines are through the pipes)
  const exited = new Promise<number | NodeJS.Signals>((done) =>
    child.once('close', (code, signal) => {
      out.end(() => done(code ?? signal ?? -1));
    }),
  );
  return {
    name,
    child,
    logFile,
    exited,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}
