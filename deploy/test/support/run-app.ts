import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { serviceClientConstructor, unaryCall } from '@cloud-inventory/grpc';
import { waitFor } from '@cloud-inventory/testing';

export const WORKSPACE = resolve(__dirname, '../../..');
const RECORDER = join(__dirname, 'app-recorder.js');

/** grpc.health.v1 Check of one service (as a Kubernetes grpc probe asks it). */
export async function grpcHealthOf(address: string, service: string): Promise<string> {
  const Health = serviceClientConstructor('health', 'grpc.health.v1.Health');
  const client = new Health(address, grpc.credentials.createInsecure());
  try {
    return (await unaryCall<unknown, { status: string }>(client, 'Check', { service }, { deadlineMs: 2000 })).status;
  } finally {
    client.close();
  }
}

export interface Listen {
  requested: number;
  host: string | null;
  actual: number;
}

export interface AppRun {
  app: string;
  /** Every environment variable the app read, at start and while serving. */
  envRead: Set<string>;
  /** The ports it asked to listen on, and the free ones it got instead. */
  listens: Listen[];
  /** grpc.health.v1 status of the port asked for (by its requested number). */
  health(requestedPort: number, service?: string): Promise<string>;
  log: string;
}

export interface AppRunSpec {
  /** dist/apps/<app>/main.js */
  app: string;
  env: Record<string, string>;
  /** Files the app would find in its container (absolute container path -> content). */
  files?: Record<string, string>;
  /** Directories it would find (volumes). */
  directories?: string[];
  /** The run is over once the app listens on all of these (requested) ports, and answers SERVING on grpcPort. */
  ports: number[];
  grpcPort: number;
}

/**
 * Runs a built app as its container would run it, on this machine: exactly the given environment (and
 * PATH), the container's files and directories under a temporary root (environment values that name
 * them are pointed there), each listen port served on a free one. Records what the app reads and where it
 * listens, waits until it listens on `ports` and is SERVING, then stops it with SIGTERM.
 */
export async function runApp(spec: AppRunSpec, check: (run: AppRun) => Promise<void> = async () => undefined): Promise<AppRun> {
  const main = join(WORKSPACE, 'dist/apps', spec.app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the apps first (npx nx run-many -t build)`);
  const work = mkdtempSync(join(tmpdir(), `cinv-deploy-${spec.app}-`));
  const root = join(work, 'root');
  const inRoot = (path: string) => join(root, path);
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(inRoot(path)), { recursive: true });
    writeFileSync(inRoot(path), content, { mode: 0o600 });
  }
  for (const directory of spec.directories ?? []) mkdirSync(inRoot(directory), { recursive: true });
  const mounted = [...Object.keys(spec.files ?? {}).map(dirname), ...(spec.directories ?? [])];
  const env = Object.fromEntries(
    Object.entries(spec.env).map(([name, value]) => [
      name,
      mounted.some((path) => value === path || value.startsWith(`${path}/`)) ? inRoot(value) : value,
    ]),
  );

  const out = join(work, 'recorded.jsonl');
  writeFileSync(out, '');
  const child = spawn(process.execPath, ['-r', RECORDER, main], {
    cwd: work,
    env: { PATH: process.env['PATH'] ?? '', ...env, APP_RECORDER_OUT: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logChunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => logChunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => logChunks.push(chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const log = () => Buffer.concat(logChunks).toString('utf8');

  const recorded = () => {
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    return {
      envRead: new Set<string>(lines.filter((l) => l.env).map((l) => l.env)),
      listens: lines.filter((l) => l.listen).map((l) => l.listen as Listen),
    };
  };
  const actualOf = (requested: number) => recorded().listens.find((l) => l.requested === requested)?.actual;
  const run = (): AppRun => ({
    app: spec.app,
    ...recorded(),
    health: async (requestedPort: number, service = '') => {
      const actual = actualOf(requestedPort);
      if (actual === undefined) return `NOT LISTENING on ${requestedPort}`;
      return grpcHealthOf(`127.0.0.1:${actual}`, service);
    },
    log: log(),
  });

  try {
    await waitFor(
      `${spec.app} to listen on ${spec.ports.join(', ')} and answer SERVING on ${spec.grpcPort}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${spec.app} exited with ${child.exitCode}`);
        const listening = new Set(recorded().listens.map((l) => l.requested));
        if (!spec.ports.every((port) => listening.has(port))) return undefined;
        return (await run().health(spec.grpcPort)) === 'SERVING' ? true : undefined;
      },
      60_000,
      100,
    ).catch((error: Error) => {
      const { listens } = recorded();
      throw new Error(
        `${error.message}; it listened on: ${listens.map((l) => l.requested).join(', ') || 'nothing'}\n----- ${spec.app} log -----\n${log()}`,
      );
    });
    await check(run());
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
  const finished = run();
  rmSync(work, { recursive: true, force: true });
  return finished;
}
