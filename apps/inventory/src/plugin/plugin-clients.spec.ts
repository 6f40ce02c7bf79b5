import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { encodeResourceInfo, ResourceInfoMessage } from '@cloud-inventory/wire';
import { loadInventoryConfig } from '../inventory.config';
import { startRawCollectorPlugin } from '../testing/raw-collector-plugin';
import { PluginClients } from './plugin-clients';
import { PluginEndpointPolicy } from './plugin-endpoint-policy';
import { RegisteredPluginEntity } from './registered-plugin.entity';

const pluginAt = (endpoint: string): RegisteredPluginEntity =>
  ({ plugin_id: 'p', endpoint, service_type: 'COLLECTOR', name: 'p', version: '', tags: {}, registered_by: 'api' }) as RegisteredPluginEntity;

async function listening(server: TcpServer | HttpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `127.0.0.1:${address.port}`;
}

async function readAll(stream: AsyncIterable<ResourceInfoMessage>): Promise<ResourceInfoMessage[]> {
  const out: ResourceInfoMessage[] = [];
  for await (const message of stream) out.push(message);
  return out;
}

describe('PluginEndpointPolicy', () => {
  it('allows loopback and the hosts of INVENTORY_PLUGINS by default, nothing else', () => {
    const policy = PluginEndpointPolicy.fromConfig(loadInventoryConfig({ INVENTORY_PLUGINS: 'synthetic=collector@collector-plugin:50061' }));
    for (const endpoint of ['127.0.0.1:50061', '127.8.9.10:1', 'localhost:50061', '[::1]:50061', 'collector-plugin:50062']) {
      expect([endpoint, policy.allows(endpoint)]).toEqual([endpoint, true]);
    }
    for (const endpoint of ['10.0.0.5:22', '169.254.169.254:80', 'evil.example.com:50061', 'collector-plugin.evil:50061', '[fe80::1]:22', '127.0.0.1.evil.com:1']) {
      expect([endpoint, policy.allows(endpoint)]).toEqual([endpoint, false]);
    }
  });

  it('takes PLUGIN_ALLOWED_HOSTS: exact hosts and *.suffix, loopback only when named, * for any', () => {
    const policy = PluginEndpointPolicy.fromConfig(loadInventoryConfig({ PLUGIN_ALLOWED_HOSTS: 'plugins.internal, *.plugins.svc.cluster.local' }));
    expect(policy.allows('plugins.internal:1')).toBe(true);
    expect(policy.allows('aws.plugins.svc.cluster.local:50051')).toBe(true);
    expect(policy.allows('plugins.svc.cluster.local:50051')).toBe(false);
    expect(policy.allows('127.0.0.1:50051')).toBe(false);
    expect(PluginEndpointPolicy.fromConfig(loadInventoryConfig({ PLUGIN_ALLOWED_HOSTS: '*' })).allows('10.0.0.1:1')).toBe(true);
    expect(() => policy.check('10.0.0.5:22')).toThrow('Plugin endpoint 10.0.0.5:22 is not allowed: its host is not in PLUGIN_ALLOWED_HOSTS.');
  });
});

describe('PluginClients', () => {
  const servers: Array<{ close(): unknown }> = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('refuses to call a plugin whose endpoint is outside the allow-list, even one registered before', () => {
    const clients = new PluginClients(loadInventoryConfig({}));
    expect(() => clients.collector(pluginAt('10.0.0.5:50051'))).toThrow('is not allowed');
    clients.onApplicationShutdown();
  });

  it('says "unreachable" and nothing more, whether nothing listens, a TCP service hangs up, or an HTTP/1 server answers', async () => {
    const closed = createTcpServer();
    const closedEndpoint = await listening(closed);
    await new Promise((resolve) => closed.close(resolve));
    const hangUp = createTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const http = createHttpServer((_request, response) => response.end('hello'));
    servers.push(hangUp, http);
    const clients = new PluginClients({ ...loadInventoryConfig({}), pluginCallDeadlineMs: 60_000 });
    const messages: string[] = [];
    for (const endpoint of [closedEndpoint, await listening(hangUp), await listening(http)]) {
      const error = await clients
        .collector(pluginAt(endpoint))
        .verify({}, {}, [], 'c')
        .then(() => undefined, (e: Error) => e);
      messages.push(String(error?.message).replace(endpoint, '<endpoint>'));
    }
    clients.onApplicationShutdown();
    expect(messages).toEqual(Array(3).fill('Plugin p at <endpoint> is unreachable (verify).'));
  });

  it('calls plugins over TLS with PLUGIN_TLS_CA_FILE, verifying their certificate; not in plaintext', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    const dir = mkdtempSync(join(tmpdir(), 'plugin-tls-'));
    writeFileSync(join(dir, 'ca.pem'), pems.cert);
    const frame = Buffer.from(encodeResourceInfo({ state: 'SUCCESS', resource_type: 'inventory.Region', resource: { region_code: 'r1' } }));
    const plugin = await startRawCollectorPlugin(
      () => [frame],
      grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(pems.private), cert_chain: Buffer.from(pems.cert) }]),
    );
    servers.push(plugin);
    const base = loadInventoryConfig({});
    const request = { options: {}, secret_data: {}, filter: {}, task_options: null };

    const tls = new PluginClients({ ...base, tls: { pluginCaFile: join(dir, 'ca.pem') } });
    const messages = await readAll(tls.collector(pluginAt(plugin.endpoint)).collect(request, 60_000, 'c'));
    expect(messages.map((m) => m.resource_type)).toEqual(['inventory.Region']);
    tls.onApplicationShutdown();

    const plaintext = new PluginClients(base);
    await expect(readAll(plaintext.collector(pluginAt(plugin.endpoint)).collect(request, 60_000, 'c'))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    plaintext.onApplicationShutdown();
  });
});
