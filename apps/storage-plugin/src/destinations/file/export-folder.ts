import { AppError } from '@cloud-inventory/grpc';
import { JsonObject } from '@cloud-inventory/wire';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MAX_PATH_LENGTH = 512;

/**
 * The folder a request exports to: the base directory, or `options.path` below it. The path must be
 * relative, '/'-separated, and every segment a safe name (no '.', '..', hidden names, backslashes,
 * drive letters); anything else is INVALID_ARGUMENT.
 */
export function exportFolder(baseDir: string, options: JsonObject): string {
  const path = options['path'];
  if (path === undefined || path === null || path === '') return baseDir;
  if (typeof path !== 'string') throw AppError.invalid('options.path must be a string.');
  const segments = path.replace(/\/+$/, '').split('/');
  if (path.length > MAX_PATH_LENGTH || isAbsolute(path) || !segments.every((segment) => SEGMENT.test(segment))) {
    throw AppError.invalid(
      `options.path must be a relative path below the export directory: '/'-separated names of letters, digits, '_', '.', '-', each starting with a letter or digit (no '..', no absolute paths).`,
    );
  }
  const folder = join(baseDir, ...segments);
  const inside = relative(baseDir, resolve(folder));
  if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
    throw AppError.invalid('options.path must stay below the export directory.');
  }
  return folder;
}
