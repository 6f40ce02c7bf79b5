// npm run token -- --domain d --workspace w --role WORKSPACE_OWNER --ttl 1h   (see `npm run token -- --help`)
// Mints a token with the inventory's own command (`node dist/apps/inventory/main.js token …`), building
// the inventory first when dist/ has none. Only the token goes to stdout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const main = join(root, 'dist/apps/inventory/main.js');
if (!existsSync(main)) {
  const build = spawnSync('npx', ['nx', 'build', 'inventory', '--outputStyle=static'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [main, 'token', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
