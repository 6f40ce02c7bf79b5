/**
 * The bare stream's server: a plain grpc-js server (no Nest, no proto) that answers
 * spaceone.api.inventory.plugin.Collector/collect by replaying frames recorded from the real
 * collector plugin, byte for byte (identity serializer), cyclically until it has sent the number
 * the client asks for (metadata x-replay-count) from the set it names (x-replay-set). It honours
 * flow control: it waits for 'drain' when the client reads slower than it writes.
 *
 * Run as a child process by bare-stream.ts: REPLAY_SETS=name=/path/frames.bin,... and it tells
 * its parent the port it listens on over IPC.
 */
import * as grpc from '@grpc/grpc-js';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export const COLLECT_PATH = '/spaceone.api.inventory.plugin.Collector/collect';

/** Frames are stored as [uint32 BE length][bytes]… (see recordFrames). */
export function readFrames(file: string): Buffer[] {
  const data = readFileSync(file);
  const frames: Buffer[] = [];
  for (let offset = 0; offset < data.length; ) {
    const length = data.readUInt32BE(offset);
    frames.push(data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return frames;
}

function serve(): void {
  const sets = new Map<string, Buffer[]>();
  for (const entry of (process.env['REPLAY_SETS'] ?? '').split(',').filter(Boolean)) {
    const [name, file] = entry.split('=');
    sets.set(name, readFrames(file));
  }
  const identity = (value: Buffer) => value;
  const definition: grpc.ServiceDefinition = {
    collect: {
      path: COLLECT_PATH,
      requestStream: false,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  const collect = async (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
    const count = Number(call.metadata.get('x-replay-count')[0] ?? 0);
    const frames = sets.get(String(call.metadata.get('x-replay-set')[0] ?? ''));
    if (!frames || frames.length === 0) {
      call.destroy(Object.assign(new Error('unknown or empty x-replay-set'), { code: grpc.status.INVALID_ARGUMENT }));
      return;
    }
    let cancelled = false;
    call.on('cancelled', () => (cancelled = true));
    for (let i = 0; i < count && !cancelled; i++) {
      if (!call.write(frames[i % frames.length])) await once(call, 'drain');
    }
    call.end();
  };
  const server = new grpc.Server({
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  server.addService(definition, { collect });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      console.error(error.message);
      process.exit(1);
    }
    process.send?.({ port });
  });
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) serve();
