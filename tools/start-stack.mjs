// Starts the whole stack from the built apps: the collector plugin, the storage plugin and the
// inventory (which starts its embedded PostgreSQL unless DATABASE_URL is set), with the two local
// plugins registered. `npm start` builds the apps and runs this. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env };
env.LOG_PRETTY ??= 'true';
env.COLLECTOR_PLUGIN_LISTEN ??= '127.0.0.1:50061';
env.STORAGE_PLUGIN_LISTEN ??= '127.0.0.1:50062';
env.INVENTORY_PLUGINS ??= `synthetic=collector@${env.COLLECTOR_PLUGIN_LISTEN},file-storage=storage@${env.STORAGE_PLUGIN_LISTEN}`;

const apps = ['collector-plugin', 'storage-plugin', 'inventory'];
const children = new Map();
let stopping = false;

function start(name) {
  const main = join(root, 'dist/apps', name, 'main.js');
  if (!existsSync(main)) {
    console.error(`${main} is missing: run \`npm start\` (it builds the apps first).`);
    process.exit(1);
  }
  const child = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}]`.padEnd(19);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  children.set(name, child);
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  // the inventory first, so that it hands its running tasks back, then the plugins
  const inventory = children.get('inventory');
  if (inventory) {
    inventory.kill('SIGTERM');
    await new Promise((resolve) => {
      inventory.once('exit', resolve);
      setTimeout(resolve, 15_000);
    });
  }
  for (const child of children.values()) child.kill('SIGTERM');
  if (children.size === 0) process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

for (const name of apps) start(name);
console.log(
  `Starting: collector plugin ${env.COLLECTOR_PLUGIN_LISTEN}, storage plugin ${env.STORAGE_PLUGIN_LISTEN}, ` +
    `inventory gRPC ${env.INVENTORY_GRPC_LISTEN ?? '0.0.0.0:50051'} and HTTP port ${env.INVENTORY_HTTP_PORT ?? 8080}` +
    (env.DATABASE_URL ? '' : ` (embedded PostgreSQL, data in ${env.DATA_DIR ?? '.data'}; admin token in ${env.DATA_DIR ?? '.data'}/admin.token)`) +
    '. Ctrl-C stops everything.',
);
