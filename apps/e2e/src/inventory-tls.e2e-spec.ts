import * as grpc from '@grpc/grpc-js';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { freePort } from '@cloud-inventory/database';
import { AppProcess, startApp, waitFor } from '@cloud-inventory/testing';

/** HTTPS GET with `ca` trusted: the status, or the TLS error's code. */
function httpsStatus(url: string, ca?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** grpc.health.v1 Check over `credentials`: the gRPC status code of the answer (0 = OK). */
function healthCheck(address: string, credentials: grpc.ChannelCredentials): Promise<number> {
  const client = new grpc.Client(address, credentials);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      new grpc.Metadata(),
      { deadline: Date.now() + 20_000 },
      (error) => {
        client.close();
        resolve(error ? error.code : 0);
      },
    );
  });
}

describe('TLS for the inventory’s own gRPC and HTTP (INVENTORY_TLS_CERT_FILE / _KEY_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-tls-'));
  chmodSync(dir, 0o755);
  let app: AppProcess | undefined;

  afterAll(async () => {
    await app?.stop();
  });

  it('serves HTTPS and gRPC over TLS with the configured certificate, and nothing in plaintext', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
    const httpPort = await freePort();
    const grpcAddress = `127.0.0.1:${await freePort()}`;
    app = startApp(
      'inventory',
      {
        DATA_DIR: join(dir, 'data'),
        EMBEDDED_POSTGRES_PORT: String(await freePort()),
        INVENTORY_GRPC_LISTEN: grpcAddress,
        INVENTORY_HTTP_HOST: '127.0.0.1',
        INVENTORY_HTTP_PORT: String(httpPort),
        INVENTORY_TLS_CERT_FILE: join(dir, 'cert.pem'),
        INVENTORY_TLS_KEY_FILE: join(dir, 'key.pem'),
      },
      dir,
    );
    const url = `https://127.0.0.1:${httpPort}/health`;
    await waitFor('the inventory over HTTPS', async () => ((await httpsStatus(url, pems.cert)) === 200 ? true : undefined), 120_000);
    // an unknown CA is refused by the client: the certificate really is the one configured
    expect(await httpsStatus(url)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await healthCheck(grpcAddress, grpc.credentials.createSsl(Buffer.from(pems.cert)))).toBe(0);
    expect(await healthCheck(grpcAddress, grpc.credentials.createInsecure())).toBe(grpc.status.UNAVAILABLE);
  });
});
