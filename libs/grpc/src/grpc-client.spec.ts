import * as grpc from '@grpc/grpc-js';
import { GRPC_CLIENT_OPTIONS, whenChannelReady } from './grpc-client';

const echo = (buffer: Buffer) => buffer;
const PING = {
  path: '/test.Ping/Ping',
  requestStream: false,
  responseStream: false,
  requestSerialize: echo,
  requestDeserialize: echo,
  responseSerialize: echo,
  responseDeserialize: echo,
} as const;

async function listen(port = 0): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService({ ping: PING }, { ping: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request) });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, value) => (error ? reject(error) : resolve(value))),
  );
  return { server, port: bound };
}

function ping(client: grpc.Client): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(PING.path, echo, echo, Buffer.from('ping'), new grpc.Metadata(), { deadline: Date.now() + 5_000 }, (error, value) =>
      error ? reject(error) : resolve(value as Buffer),
    ),
  );
}

describe('whenChannelReady', () => {
  const clients: grpc.Client[] = [];
  const servers: grpc.Server[] = [];
  afterEach(() => {
    clients.splice(0).forEach((client) => client.close());
    servers.splice(0).forEach((server) => server.forceShutdown());
  });

  it('lets the first call after a peer came back reach it, though the channel was still backing off', async () => {
    const first = await listen();
    servers.push(first.server);
    // the real reconnect backoff, held at its 2 s cap from the start
    const client = new grpc.Client(`127.0.0.1:${first.port}`, grpc.credentials.createInsecure(), {
      ...GRPC_CLIENT_OPTIONS,
      'grpc.initial_reconnect_backoff_ms': GRPC_CLIENT_OPTIONS['grpc.max_reconnect_backoff_ms'],
    });
    clients.push(client);
    expect((await ping(client)).toString()).toBe('ping');

    first.server.forceShutdown();
    await expect(ping(client)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(client.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.TRANSIENT_FAILURE);

    // the peer is back on the same address while the channel still waits out its backoff
    servers.push((await listen(first.port)).server);
    await whenChannelReady(client);
    expect((await ping(client)).toString()).toBe('ping');
  });

  it('gives up after its wait when nothing listens, and the call then fails as unreachable', async () => {
    const { server, port } = await listen();
    server.forceShutdown();
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
    clients.push(client);
    await whenChannelReady(client, 300);
    expect(client.getChannel().getConnectivityState(false)).not.toBe(grpc.connectivityState.READY);
    await expect(ping(client)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});
