/**
 * How long one export batch of 1000 CloudService resources (~1.2 KB each) takes to append, with a
 * raw fs append of the same bytes beside it as the baseline; then the same batch through gRPC.
 *
 *   npx nx run storage-plugin:bench        (or: BENCH_ROUNDS=300 npx nx run storage-plugin:bench)
 */
import { Logger } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { freePort } from '@cloud-inventory/database';
import { GRPC_CLIENT_OPTIONS, unaryClient } from '@cloud-inventory/grpc';
import { inventoryPluginGrpc } from '@cloud-inventory/proto';
import { JsonObject } from '@cloud-inventory/wire';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../src/bootstrap';
import { FileDestination } from '../src/destinations/file/file.destination';
import { resourceLines } from '../src/destinations/file/resource-lines';
import { ResourceBatch } from '../src/destinations/export-data';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 100);
const BATCH = 1000;

function cloudService(i: number): JsonObject {
  return {
    cloud_service_id: `cloud-svc-${i.toString(16).padStart(12, '0')}`,
    name: `i-${(1e12 + i).toString(16)}`,
    state: 'ACTIVE',
    provider: 'aws',
    cloud_service_group: 'EC2',
    cloud_service_type: 'Instance',
    region_code: 'ap-northeast-2',
    account: '123456789012',
    instance_type: 'm5.large',
    instance_size: 2,
    ip_addresses: ['10.0.1.23', '10.0.1.24'],
    reference: { resource_id: `arn:aws:ec2:ap-northeast-2:123456789012:instance/i-${i}`, external_link: `https://console.aws.amazon.com/ec2/v2/home?region=ap-northeast-2#Instances:instanceId=i-${i}` },
    data: {
      compute: { az: 'ap-northeast-2a', instance_state: 'RUNNING', launched_at: '2025-01-01T00:00:00Z', image: 'ami-0abcdef1234567890', keypair: 'ops' },
      hardware: { core: 2, memory: 8 },
      os: { os_type: 'LINUX', os_distro: 'amazonlinux', details: 'Amazon Linux 2023' },
      security_group: [{ group_id: 'sg-0123456789abcdef0', group_name: 'default', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_cidr: '10.0.0.0/8' }],
      vpc: { vpc_id: 'vpc-0123456789abcdef0', vpc_name: 'main', subnet_id: 'subnet-0123456789abcdef0' },
    },
    tags: { Name: `web-${i}`, env: 'prod', team: 'platform', cost_center: 'cc-1234' },
  };
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor(sorted.length * 0.95)] };
}

async function time(rounds: number, run: (round: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await run(-1 - i); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    await run(round);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  process.env['LOG_LEVEL'] = 'warn';
  const base = await mkdtemp(join(tmpdir(), 'storage-bench-'));
  const resources = Array.from({ length: BATCH }, (_, i) => cloudService(i));
  const batch: ResourceBatch = { kind: 'resources', job_id: 'job-bench', job_task_id: 'task-1', collector_id: 'collector-1', domain_id: 'domain-1', resource_type: 'inventory.CloudService', resources };
  const bytes = resourceLines(batch).length;
  const request = { options: {}, schema: '', secretData: {} };

  const baseline = stats(await time(ROUNDS, () => appendFile(join(base, 'baseline.ndjson'), resourceLines(batch))));
  const file = new FileDestination(base);
  const destination = stats(await time(ROUNDS, () => file.writeResources(batch, request)));
  await file.finish({ kind: 'job_finished', job_id: 'job-bench', collector_id: null, domain_id: null, status: 'SUCCESS' }, request);

  const listen = `127.0.0.1:${await freePort()}`;
  const app = await bootstrap({ listen, fileDir: base, defaultDestination: 'file' });
  const client = new grpc.Client(listen, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  const storage = unaryClient(client, inventoryPluginGrpc.StorageService);
  const data = { ...batch, job_id: 'job-bench-grpc' };
  const overGrpc = stats(await time(Math.min(ROUNDS, 50), () => storage.export({ options: {}, schema: '', secret_data: undefined, data }, { deadlineMs: 30_000 })));
  client.close();
  await app.close();
  await rm(base, { recursive: true, force: true });

  const mb = bytes / 1024 / 1024;
  const line = (name: string, s: { median: number; p95: number }) =>
    `${name.padEnd(44)} median ${s.median.toFixed(2).padStart(7)} ms   p95 ${s.p95.toFixed(2).padStart(7)} ms   ${(mb / (s.median / 1000)).toFixed(0).padStart(5)} MB/s`;
  console.log(`batch: ${BATCH} resources, ${(bytes / BATCH).toFixed(0)} B/line, ${mb.toFixed(2)} MB; ${ROUNDS} rounds`);
  console.log(line('baseline: build lines + fs appendFile', baseline));
  console.log(line('file destination writeResources', destination));
  console.log(`ratio destination / baseline (median): ${(destination.median / baseline.median).toFixed(2)}`);
  console.log(line('gRPC export (client encode → file → reply)', overGrpc));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
