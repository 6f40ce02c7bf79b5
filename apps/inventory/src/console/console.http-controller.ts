import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { PublicRoute } from '../common/public-route';
import { ConsoleFile, ConsoleFiles } from './console-files';

/**
 * Only this origin, for everything: no inline script or style, no eval, no framing. The console
 * talks to the API of the server it came from.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const INDEX = 'index.html';

/**
 * The web console: static HTML, CSS and ES modules under /console/, served from memory with their
 * content types. Files are not renamed per build, so browsers revalidate them (no-cache + ETag):
 * a new version shows at the next load and an unchanged one costs a 304.
 */
/** Static files: open (the console signs in with a token, and every call it makes sends it). */
@Controller()
@PublicRoute()
export class ConsoleHttpController {
  constructor(private readonly files: ConsoleFiles) {}

  @Get()
  root(@Res() response: Response) {
    response.redirect(302, '/console/');
  }

  @Get('console')
  index(@Req() request: Request, @Res() response: Response) {
    // /console → /console/, so that the page's relative links and the address bar agree
    if (!request.path.endsWith('/')) return response.redirect(301, '/console/');
    return this.send(this.files.get(INDEX)!, request, response);
  }

  @Get('console/*path')
  file(@Req() request: Request, @Res() response: Response) {
    const path = request.path.slice('/console/'.length);
    const file = this.files.get(path);
    if (!file) throw new AppError(ErrorCode.NOT_FOUND, `The console has no file ${JSON.stringify(path)}.`);
    return this.send(file, request, response);
  }

  private send(file: ConsoleFile, request: Request, response: Response) {
    const gzip = !!file.gzipped && request.acceptsEncodings('gzip') === 'gzip';
    response.set({
      'Content-Type': file.contentType,
      'Cache-Control': 'no-cache',
      // a strong ETag names one representation: the gzip one has its own
      ETag: gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag,
      Vary: 'Accept-Encoding',
      'Content-Security-Policy': CONSOLE_CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (request.fresh) return response.status(304).end();
    if (gzip) response.set('Content-Encoding', 'gzip');
    return response.send(gzip ? file.gzipped : file.body);
  }
}
