import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { scrapeMetrics } from './metrics-registry';

/** Where a plugin serves GET /metrics; `explicit` when its port was configured (then a taken port is an error). */
export interface MetricsListen {
  host: string;
  port: number;
  explicit: boolean;
}

export interface MetricsServer {
  /** http://host:port of the server (its real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

/**
 * A small HTTP server for apps that serve no HTTP of their own (the plugins): GET /metrics
 * answers the process's registry; everything else 404. Bound to `host` (127.0.0.1 by default in
 * the plugins' configuration, so that only the machine's scraper reaches it).
 */
export async function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: only GET /metrics is served here.\n');
      return;
    }
    scrapeMetrics().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A plugin's metrics server as configured, or none when METRICS_PORT=off. A default port that is
 * taken (another plugin on this machine) is not fatal: the plugin serves without metrics and
 * says so; a port that was asked for explicitly and is taken fails the start.
 */
export async function startPluginMetrics(
  listen: MetricsListen | undefined,
  warn: (message: string) => void,
): Promise<MetricsServer | undefined> {
  if (!listen) return undefined;
  try {
    return await startMetricsServer(listen.host, listen.port);
  } catch (error) {
    const message = `metrics: cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}`;
    if (listen.explicit) throw new Error(`${message} (METRICS_PORT)`, { cause: error });
    warn(`${message}; serving no metrics (set METRICS_PORT to another port, or METRICS_PORT=off)`);
    return undefined;
  }
}
