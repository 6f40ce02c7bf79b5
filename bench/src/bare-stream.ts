import * as grpc from '@grpc/grpc-js';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GRPC_CLIENT_OPTIONS, serviceClientConstructor } from '@cloud-inventory/grpc';
import { decodeResourceInfo } from '@cloud-inventory/wire';
import { COLLECT_PATH } from './bare-replay-server';
import { ratePerSecond, secondsSince } from './figures';

const WORKSPACE = resolve(__dirname, '../..');

/** The collect method as the inventory loads it (proto-loader, the shared loader options). */
function collectMethod(): grpc.MethodDefinition<unknown, unknown> {
  const Collector = serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector');
  return Collector.service['collect'] as grpc.MethodDefinition<unknown, unknown>;
}

/**
 * The deserializer the inventory's collect client uses (decodeResourceInfo): the bare stream
 * decodes as the inventory does, so the ceiling is that of this pipeline, decoding included.
 */
export function inventoryResourceDeserializer(): (frame: Buffer) => unknown {
  return decodeResourceInfo;
}

/** A Collector.collect request: options, secret_data, filter (and task_options, unused here). */
export interface CollectRequest {
  options: Record<string, unknown>;
  secret_data: Record<string, unknown>;
  filter: Record<string, unknown>;
}

export interface StreamReading {
  messages: number;
  seconds: number;
  rate: number;
}

function readStream(
  address: string,
  serialize: (request: unknown) => Buffer,
  request: unknown,
  metadata: grpc.Metadata,
  deserialize: (frame: Buffer) => unknown,
  onMessage: (message: unknown) => void,
): Promise<StreamReading> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  const started = process.hrtime.bigint();
  let messages = 0;
  return new Promise<StreamReading>((done, fail) => {
    const call = client.makeServerStreamRequest(COLLECT_PATH, serialize, deserialize, request, metadata, {});
    call.on('data', (message: unknown) => {
      messages++;
      try {
        onMessage(message);
      } catch (error) {
        call.removeAllListeners('end');
        call.cancel();
        client.close();
        fail(error);
      }
    });
    call.on('error', (error) => {
      client.close();
      fail(error);
    });
    call.on('end', () => {
      const seconds = secondsSince(started);
      client.close();
      done({ messages, seconds, rate: ratePerSecond(messages, seconds) });
    });
  });
}

/**
 * Records the first `limit` frames of a real collect, as raw bytes (no decode), into a file of
 * [uint32 BE length][bytes] records. The set is bounded: the replay cycles through it.
 */
export async function recordFrames(pluginAddress: string, request: CollectRequest, limit: number, file: string): Promise<{ frames: number; averageBytes: number }> {
  const frames: Buffer[] = [];
  let bytes = 0;
  const reading = await readStream(
    pluginAddress,
    collectMethod().requestSerialize,
    { ...request, options: { ...request.options, count: limit } },
    new grpc.Metadata(),
    (frame) => frame,
    (frame) => {
      const buffer = frame as Buffer;
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32BE(buffer.length);
      frames.push(header, buffer);
      bytes += buffer.length;
    },
  );
  writeFileSync(file, Buffer.concat(frames));
  return { frames: reading.messages, averageBytes: reading.messages ? Math.round(bytes / reading.messages) : 0 };
}

/** Counts messages, checking that they decoded into ResourceInfo objects. */
function countResource(message: unknown): void {
  if (typeof (message as { resource_type?: unknown }).resource_type !== 'string') {
    throw new Error('a frame did not decode into a ResourceInfo');
  }
}

/**
 * The plugin itself as a source: a bare grpc-js client in this process reads a collect from the
 * real collector plugin and decodes each message with the inventory's deserializer.
 */
export function decodeFromPlugin(pluginAddress: string, request: CollectRequest): Promise<StreamReading> {
  const method = collectMethod();
  return readStream(pluginAddress, method.requestSerialize, request, new grpc.Metadata(), inventoryResourceDeserializer(), countResource);
}

/** The bare stream: `count` recorded frames from the replay server, each decoded as the inventory decodes it. */
export function decodeFromReplay(
  replayAddress: string,
  set: string,
  count: number,
  deserialize: (frame: Buffer) => unknown = inventoryResourceDeserializer(),
): Promise<StreamReading> {
  const metadata = new grpc.Metadata();
  metadata.set('x-replay-set', set);
  metadata.set('x-replay-count', String(count));
  return readStream(replayAddress, () => Buffer.alloc(0), {}, metadata, deserialize, countResource);
}

/**
 * The generic decoder (proto-loader, protobufjs, Struct wrappers): the "bare grpc-js stream,
 * decoding included" of issue 3's reference figure (about 27k messages/s on these machines).
 */
export function genericResourceDeserializer(): (frame: Buffer) => unknown {
  return collectMethod().responseDeserialize;
}

export interface ReplayServer {
  address: string;
  stop(): Promise<void>;
}

/** Starts bare-replay-server.ts as its own process (ts-node, transpile only) serving the given frame files. */
export async function startReplayServer(sets: Record<string, string>): Promise<ReplayServer> {
  const child = fork(join(__dirname, 'bare-replay-server.ts'), [], {
    cwd: WORKSPACE,
    execArgv: ['-r', 'ts-node/register'],
    env: {
      PATH: process.env['PATH'] ?? '',
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_PROJECT: join(WORKSPACE, 'bench/tsconfig.json'),
      REPLAY_SETS: Object.entries(sets)
        .map(([name, file]) => `${name}=${file}`)
        .join(','),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [message] = (await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => {
      throw new Error(`the bare replay server exited with ${code} before listening`);
    }),
  ])) as [{ port: number }];
  return {
    address: `127.0.0.1:${message.port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
