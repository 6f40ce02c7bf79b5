import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The module graph of apps/inventory/src, checked against the table of src/README.md: every
 * import between folders must be allowed by the importing folder's row, and the folders must
 * not import each other in a cycle. ESLint checks the rest: boundaries between projects (the
 * benches import `@cloud-inventory/inventory`, i.e. public-api.ts) and cycles between files.
 */

const SRC = __dirname;
const REPO = resolve(SRC, '../../..');
const PUBLIC_API = join(SRC, 'public-api.ts');
const ENTITY_FILES = '*.entity.ts';
const ROOT_FOLDER = '(root)';

interface Rules {
  /** folder → what it may import: folder names, or ENTITY_FILES. */
  allowed: Map<string, Set<string>>;
}

function readRules(): Rules {
  const readme = readFileSync(join(SRC, 'README.md'), 'utf8');
  const allowed = new Map<string, Set<string>>();
  for (const line of readme.split('\n')) {
    const row = /^\| `([a-z-]+)\/` \|.*\| ([^|]*) \|$/.exec(line.trim());
    if (!row) continue;
    const targets = [...row[2].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    allowed.set(row[1], new Set(targets));
  }
  return { allowed };
}

function sourceFiles(dir: string, extensions = ['.ts']): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path, extensions);
    return extensions.some((extension) => name.endsWith(extension)) ? [path] : [];
  });
}

const isTest = (file: string) => /\.(spec|int-spec)\.ts$/.test(file);

/** The folder of a file under src/, or ROOT_FOLDER for the files at the top. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? ROOT_FOLDER : parts[0];
}

/** `./x` is `x.ts`, or `x/index.ts` for a folder. */
function resolveFile(path: string): string {
  return existsSync(`${path}.ts`) || !existsSync(join(path, 'index.ts')) ? `${path}.ts` : join(path, 'index.ts');
}

interface Import {
  from: string;
  to: string;
  specifier: string;
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), resolved to files. */
function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ from: file, to: resolveFile(resolve(dirname(file), specifier)), specifier }));
}

const rules = readRules();
const files = sourceFiles(SRC);
const imports = files.flatMap(importsOf);
const label = (edge: Import) => `${relative(SRC, edge.from)} imports ${edge.specifier}`;

describe('the module graph of apps/inventory/src', () => {
  it('has a row in src/README.md for every folder, and no row for a folder that does not exist', () => {
    const folders = new Set(files.map(folderOf).filter((folder) => folder !== ROOT_FOLDER));
    expect([...rules.allowed.keys()].sort()).toEqual([...folders].sort());
    for (const targets of rules.allowed.values()) {
      for (const target of targets) if (target !== ENTITY_FILES) expect(folders).toContain(target);
    }
  });

  it('resolves every relative import to a file of src/', () => {
    const unresolved = imports.filter((edge) => !edge.to.startsWith(SRC + sep) || !files.includes(edge.to)).map(label);
    expect(unresolved).toEqual([]);
  });

  it('has only imports that the README table allows', () => {
    const violations = imports
      .filter((edge) => {
        const from = folderOf(edge.from);
        const to = folderOf(edge.to);
        if (from === ROOT_FOLDER || from === to) return false;
        if (to === ROOT_FOLDER) return relative(SRC, edge.to) !== 'inventory.config.ts';
        const allowed = rules.allowed.get(from) ?? new Set<string>();
        if (allowed.has(to)) return false;
        if (allowed.has(ENTITY_FILES) && edge.to.endsWith('.entity.ts')) return false;
        return !(isTest(edge.from) && to === 'testing');
      })
      .map(label);
    expect(violations).toEqual([]);
  });

  it('has no cycle between folders (app code; tests and testing/ left out)', () => {
    const graph = new Map<string, Set<string>>();
    for (const edge of imports) {
      const from = folderOf(edge.from);
      const to = folderOf(edge.to);
      if (isTest(edge.from) || from === 'testing' || from === to || from === ROOT_FOLDER || to === ROOT_FOLDER) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('is imported from outside the app (benches, other apps, libs, tools, deploy) only through src/public-api.ts', () => {
    const outside = ['apps', 'libs', 'bench', 'tools', 'deploy']
      .filter((dir) => existsSync(join(REPO, dir)))
      .flatMap((dir) => sourceFiles(join(REPO, dir), ['.ts', '.mts', '.mjs', '.js']))
      .filter((file) => !file.startsWith(resolve(SRC, '..') + sep) && !file.includes(`${sep}dist${sep}`));
    expect(outside.some((file) => file.startsWith(join(REPO, 'bench') + sep))).toBe(true);
    const deep = outside
      .flatMap(importsOf)
      .filter((edge) => edge.to.startsWith(SRC + sep) && edge.to !== PUBLIC_API)
      .map((edge) => `${relative(REPO, edge.from)} imports ${edge.specifier}`);
    expect(deep).toEqual([]);
  });

  it('finds the imports it checks (a parser that saw nothing would pass everything)', () => {
    expect(imports.some((edge) => folderOf(edge.from) === 'collect' && folderOf(edge.to) === 'ingest')).toBe(true);
    expect(imports.some((edge) => folderOf(edge.from) === 'api' && folderOf(edge.to) === 'collect')).toBe(true);
  });
});
