// npm run secret-key:rotate   (same environment as the inventory: DATABASE_URL, SECRET_ENCRYPTION_KEY = the new key,
// SECRET_ENCRYPTION_PREVIOUS_KEYS = the old ones). Runs the inventory's own command (`node dist/apps/inventory/main.js
// secret-key rotate`), building the inventory first when dist/ has none.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const main = join(root, 'dist/apps/inventory/main.js');
if (!existsSync(main)) {
  const build = spawnSync('npx', ['nx', 'build', 'inventory', '--outputStyle=static'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [main, 'secret-key', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
