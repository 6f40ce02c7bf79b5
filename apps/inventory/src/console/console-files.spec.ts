import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConsoleFiles } from './console-files';

describe('ConsoleFiles', () => {
  it('serves the console from its source folder: the page, its ES modules and the chart library, each with its content type', () => {
    const files = new ConsoleFiles();
    expect(files.get('index.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(files.get('console.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(files.get('js/app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(files.get('favicon.svg')?.contentType).toBe('image/svg+xml');
    const chart = files.get('vendor/chart.umd.min.js');
    expect(chart?.body.toString('utf8', 0, 200)).toContain('Chart.js v4');
    expect(files.paths()).toEqual(expect.arrayContaining(['js/pages/jobs.js', 'js/pages/resources.js', 'js/pages/charts.js']));
  });

  it('knows only the files it read: other paths, and files of unknown types, are not there', () => {
    const root = mkdtempSync(join(tmpdir(), 'console-files-'));
    try {
      mkdirSync(join(root, 'js'));
      mkdirSync(join(root, 'vendor'));
      writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>'.repeat(20));
      writeFileSync(join(root, 'js', 'a.js'), 'export const a = 1;');
      writeFileSync(join(root, 'js', 'a.js.map'), '{}');
      writeFileSync(join(root, 'notes.txt'), 'not served');
      writeFileSync(join(root, 'vendor', 'chart.umd.min.js'), '/* chart */');
      const files = new ConsoleFiles(root);
      expect(files.paths()).toEqual(['index.html', 'js/a.js', 'vendor/chart.umd.min.js']);
      expect(files.get('../package.json')).toBeUndefined();
      expect(files.get('notes.txt')).toBeUndefined();
      expect(files.get('js/a.js.map')).toBeUndefined();
      const index = files.get('index.html')!;
      expect(gunzipSync(index.gzipped!).equals(index.body)).toBe(true);
      expect(files.get('js/a.js')!.gzipped).toBeUndefined(); // gzip would not be smaller
      expect(index.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(index.etag).not.toBe(files.get('js/a.js')!.etag);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
