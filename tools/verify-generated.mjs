// Regenerates libs/proto/src/generated from proto/ into a scratch folder and fails when it differs
// from what is committed, so the generated types can never drift from the contract.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const committed = join(root, 'libs/proto/src/generated');
const scratch = mkdtempSync(join(tmpdir(), 'proto-gen-'));

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

try {
  const template = readFileSync(join(root, 'proto/buf.gen.yaml'), 'utf8').replace(
    'out: libs/proto/src/generated',
    `out: ${scratch}`,
  );
  execFileSync(join(root, 'node_modules/.bin/buf'), ['generate', 'proto', '--template', template], {
    cwd: root,
    stdio: 'inherit',
  });
  const fresh = new Map(listFiles(scratch).map((f) => [relative(scratch, f), readFileSync(f, 'utf8')]));
  const current = new Map(listFiles(committed).map((f) => [relative(committed, f), readFileSync(f, 'utf8')]));
  const drift = [...new Set([...fresh.keys(), ...current.keys()])].filter((f) => fresh.get(f) !== current.get(f));
  if (drift.length > 0) {
    console.error(`libs/proto/src/generated is stale; run \`npx nx run proto:generate\` and commit. Differs: ${drift.join(', ')}`);
    process.exit(1);
  }
  console.log(`libs/proto/src/generated matches proto/ (${fresh.size} files)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
