import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the console, read once at start: its bytes, a gzip copy when that is smaller, and its ETag. */
export interface ConsoleFile {
  path: string;
  contentType: string;
  body: Buffer;
  gzipped?: Buffer;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);

/** The chart library, as the app's webpack build copies it (console/vendor/) or as npm installed it. */
export const CHART_LIBRARY_FILE = 'chart.umd.min.js';

/**
 * The folder of the console's static files: next to the bundle (dist/apps/inventory/console, copied
 * by the webpack build), or the source folder when run from the workspace (tests).
 */
export function consoleRoot(): string {
  const candidates = [join(__dirname, 'console'), join(__dirname, 'static')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`The console's files were not found; looked in ${candidates.join(', ')}.`);
  return found;
}

function chartLibraryPath(root: string): string {
  const candidates = [join(root, 'vendor', CHART_LIBRARY_FILE), resolve(__dirname, '../../../../node_modules/chart.js/dist', CHART_LIBRARY_FILE)];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`The chart library was not found; looked in ${candidates.join(', ')}.`);
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function load(path: string, file: string): ConsoleFile | undefined {
  const extension = extname(file);
  const contentType = CONTENT_TYPES[extension];
  if (!contentType) return undefined; // source maps, notes and the like are not served
  const body = readFileSync(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const gzip = COMPRESSIBLE.has(extension) ? gzipSync(body, { level: 9 }) : undefined;
  return { path, contentType, body, etag, gzipped: gzip && gzip.length < body.length ? gzip : undefined };
}

/**
 * The console's files, keyed by their path below /console/. Only what is in this table is served,
 * so no request path ever reaches the file system. The files are small (about 300 kB with the chart
 * library) and change only with a new build, so they are read once.
 */
export class ConsoleFiles {
  private readonly files = new Map<string, ConsoleFile>();

  constructor(root: string = consoleRoot()) {
    for (const file of walk(root)) {
      const path = relative(root, file).split(sep).join('/');
      const loaded = load(path, file);
      if (loaded) this.files.set(path, loaded);
    }
    const chart = `vendor/${CHART_LIBRARY_FILE}`;
    if (!this.files.has(chart)) this.files.set(chart, load(chart, chartLibraryPath(root))!);
  }

  get(path: string): ConsoleFile | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }
}
