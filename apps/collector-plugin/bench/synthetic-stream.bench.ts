/**
 * How fast the synthetic source produces resources (count CloudServices of ~1.2 KB), with the
 * generation alone (the provider's async stream, no gRPC) as the baseline beside the real thing:
 * the same collect over gRPC from a plugin running in a child process, read by a client that does
 * not decode the messages (so the figure is the server's), as one stream and as 4 task streams,
 * with data as a Struct (default) and as json_data; and the generation with drift on (every 10th
 * resource drifting, in an odd bucket) beside the same generation without it.
 *
 *   npx nx run collector-plugin:bench            (or: BENCH_COUNT=500000 npx nx run collector-plugin:bench)
 */
import { ChildProcess, fork } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { freePort } from '@cloud-inventory/database';
import { GRPC_CLIENT_OPTIONS, serviceClientConstructor, unaryClient } from '@cloud-inventory/grpc';
import { healthGrpc } from '@cloud-inventory/proto';
import { bootstrap } from '../src/bootstrap';
import { collectSynthetic } from '../src/providers/synthetic/synthetic-collect';
import { parseSyntheticOptions } from '../src/providers/synthetic/synthetic-options';

const COUNT = Number(process.env['BENCH_COUNT'] ?? 200_000);
const SECRET = { account_id: '123456789012' };
const SERVE_FLAG = '--serve';

async function generationOnly(jsonData: boolean, driftEverySeconds = 0): Promise<number> {
  const options = parseSyntheticOptions({ count: COUNT, include_types: false, json_data: jsonData, drift_every_seconds: driftEverySeconds });
  const started = process.hrtime.bigint();
  let messages = 0;
  for await (const message of collectSynthetic({ options, account: SECRET.account_id, driftBucket: 1 })) {
    if (message) messages++;
  }
  return rate(messages, started);
}

/** One collect per task slice, all at once; streams = 1 is one un-split collect. */
async function overGrpc(address: string, streams: number, jsonData: boolean): Promise<{ rate: number; bytes: number }> {
  const definition = serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector').service['collect'];
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  const options = { count: COUNT, include_types: false, json_data: jsonData, tasks: streams };
  const started = process.hrtime.bigint();
  let messages = 0;
  let bytes = 0;
  const collectSlice = (part: number) =>
    new Promise<void>((resolve, reject) => {
      const call = client.makeServerStreamRequest(definition.path, definition.requestSerialize, (buffer: Buffer) => buffer, {
        options,
        secret_data: SECRET,
        filter: {},
        task_options: streams > 1 ? { part, parts: streams } : undefined,
      });
      call.on('data', (buffer: Buffer) => {
        messages++;
        bytes += buffer.length;
      });
      call.on('error', reject);
      call.on('end', resolve);
    });
  await Promise.all(Array.from({ length: streams }, (_, part) => collectSlice(part)));
  client.close();
  if (messages !== COUNT) throw new Error(`expected ${COUNT} messages, got ${messages}`);
  return { rate: rate(messages, started), bytes: Math.round(bytes / messages) };
}

function rate(messages: number, started: bigint): number {
  return messages / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function startPlugin(): Promise<{ child: ChildProcess; address: string }> {
  const address = `127.0.0.1:${await freePort()}`;
  const child = fork(__filename, [SERVE_FLAG], {
    env: { ...process.env, COLLECTOR_PLUGIN_LISTEN: address, LOG_LEVEL: 'warn' },
    execArgv: process.execArgv,
  });
  const health = new grpc.Client(address, grpc.credentials.createInsecure());
  const { check } = unaryClient(health, healthGrpc.HealthService);
  // the child compiles the plugin with ts-node first: on a loaded machine that takes a while
  const giveUpAt = Date.now() + 180_000;
  for (;;) {
    try {
      await check({ service: '' }, { deadlineMs: 1000 });
      break;
    } catch (error) {
      if (Date.now() > giveUpAt) {
        child.kill();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  health.close();
  return { child, address };
}

async function main(): Promise<void> {
  if (process.argv.includes(SERVE_FLAG)) {
    await bootstrap();
    return;
  }
  const { child, address } = await startPlugin();
  try {
    console.log(`synthetic collect of ${COUNT} CloudServices (resource_bytes 1200), messages/s:`);
    for (const jsonData of [false, true]) {
      const baseline = await generationOnly(jsonData);
      const label = jsonData ? 'json_data' : 'data as Struct';
      console.log(`  ${label.padEnd(15)} generation only (baseline): ${Math.round(baseline)}`);
      for (const streams of [1, 4]) {
        const grpcRun = await overGrpc(address, streams, jsonData);
        console.log(
          `  ${label.padEnd(15)} over gRPC, ${streams} stream(s), ${grpcRun.bytes} B/message: ${Math.round(grpcRun.rate)}` +
            `  (${(grpcRun.rate / baseline).toFixed(3)} × baseline)`,
        );
      }
    }
    // alternated, best of three each, so that warm-up and a busy machine hit both alike
    let withoutDrift = 0;
    let withDrift = 0;
    for (let round = 0; round < 3; round++) {
      withoutDrift = Math.max(withoutDrift, await generationOnly(false));
      withDrift = Math.max(withDrift, await generationOnly(false, 60));
    }
    console.log(`  drift off, generation only (baseline): ${Math.round(withoutDrift)}`);
    console.log(`  drift on (drift_every_seconds 60), generation only: ${Math.round(withDrift)}  (${(withDrift / withoutDrift).toFixed(3)} × baseline)`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
