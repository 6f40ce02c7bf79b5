// Regenerates everything libs/proto holds from proto/ (the ts-proto outputs of proto/buf.gen.yaml
// and the FileDescriptorSet that reflection serves) into a scratch folder, and fails when it
// differs from what is committed, so generated code can never drift from the contract.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const buf = join(root, 'node_modules/.bin/buf');
const scratch = mkdtempSync(join(tmpdir(), 'proto-gen-'));
const DESCRIPTOR_SET = 'libs/proto/src/descriptor-set.binpb';

/** The files under a folder, or the file itself; nothing when it is missing. */
function listFiles(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => listFiles(join(path, name)));
}

try {
  const template = readFileSync(join(root, 'proto/buf.gen.yaml'), 'utf8');
  const outputs = [...template.matchAll(/^\s*out:\s*(\S+)\s*$/gm)].map((match) => match[1]);
  if (outputs.length === 0) throw new Error('proto/buf.gen.yaml names no output folder');
  const scratchTemplate = template.replace(/^(\s*out:\s*)(\S+)\s*$/gm, (_line, prefix, out) => `${prefix}${join(scratch, out)}`);
  execFileSync(buf, ['generate', 'proto', '--template', scratchTemplate], { cwd: root, stdio: 'inherit' });
  execFileSync(buf, ['build', 'proto', '--as-file-descriptor-set', '-o', join(scratch, DESCRIPTOR_SET)], { cwd: root, stdio: 'inherit' });

  const read = (base, paths) => new Map(paths.map((file) => [relative(base, file), readFileSync(file)]));
  const targets = [...outputs, DESCRIPTOR_SET];
  const fresh = read(scratch, targets.flatMap((target) => listFiles(join(scratch, target))));
  const current = read(root, targets.flatMap((target) => listFiles(join(root, target))));
  const same = (file) => fresh.has(file) && current.has(file) && fresh.get(file).equals(current.get(file));
  const drift = [...new Set([...fresh.keys(), ...current.keys()])].filter((file) => !same(file));
  if (drift.length > 0) {
    console.error(`Generated code in libs/proto is stale; run \`npx nx run proto:generate\` and commit. Differs: ${drift.join(', ')}`);
    process.exit(1);
  }
  console.log(`libs/proto matches proto/ (${fresh.size} generated files in ${targets.join(', ')})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
