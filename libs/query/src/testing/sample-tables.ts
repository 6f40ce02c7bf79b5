import type { Client } from 'pg';
import { defineResourceSchema } from '../lib/resource-schema';

/**
 * Two sample tables for the compiler's own tests, and a deterministic seed: a resource table with
 * every kind of field (text, float, JSON objects and arrays, expressions, a renamed column) and a
 * job table (int and text[] columns). They borrow a cloud inventory's vocabulary so that the cases
 * read like real queries, but they are not any app's schema and need not follow one: the
 * inventory declares its own (apps/inventory/src/cloud-service/*.kind.ts) and tests it there
 * (its default order, keyword and minimal fields, indexes) against its migrated tables.
 */

export const cloudServiceSchema = defineResourceSchema({
  resource: 'CloudService',
  table: 'cloud_service',
  idKey: 'cloud_service_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id', projectColumn: 'project_id' },
  fields: {
    cloud_service_id: 'text',
    name: 'text',
    state: 'text',
    provider: 'text',
    cloud_service_group: 'text',
    cloud_service_type: 'text',
    region_code: 'text',
    account: 'text',
    instance_type: 'text',
    instance_size: 'float',
    ip_addresses: 'jsonb-array',
    data: 'jsonb-object',
    tags: 'jsonb-object',
    reference: 'jsonb-object',
    'reference.resource_id': { type: 'text', sql: "reference->>'resource_id'", inResults: false },
    'collection_info.collector_id': { type: 'text', column: 'collector_id' },
    domain_id: 'text',
    workspace_id: 'text',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  keywordFields: ['cloud_service_id', 'name', 'ip_addresses', 'cloud_service_group', 'cloud_service_type', 'reference.resource_id'],
  defaultSort: [{ key: 'created_at', desc: true }],
  minimalFields: ['cloud_service_id', 'name', 'provider', 'cloud_service_group', 'cloud_service_type', 'region_code'],
});

export const jobSchema = defineResourceSchema({
  resource: 'Job',
  table: 'job',
  idKey: 'job_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id' },
  fields: {
    job_id: 'text',
    status: 'text',
    total_tasks: 'int',
    remained_tasks: 'int',
    success_tasks: 'int',
    failure_tasks: 'int',
    collector_id: 'text',
    'plugin_info.plugin_id': { type: 'text', column: 'plugin_id' },
    labels: 'text-array',
    domain_id: 'text',
    workspace_id: 'text',
    created_at: 'timestamptz',
    finished_at: 'timestamptz',
  },
  keywordFields: ['job_id'],
  defaultSort: [{ key: 'created_at', desc: true }],
  minimalFields: ['job_id', 'status', 'created_at', 'finished_at'],
});

export const DDL = `
CREATE TABLE cloud_service (
  cloud_service_id text COLLATE "C" PRIMARY KEY,
  name text COLLATE "C",
  state text COLLATE "C" NOT NULL,
  provider text COLLATE "C" NOT NULL,
  cloud_service_group text COLLATE "C" NOT NULL,
  cloud_service_type text COLLATE "C" NOT NULL,
  region_code text COLLATE "C",
  account text COLLATE "C",
  instance_type text COLLATE "C",
  instance_size float8,
  ip_addresses jsonb NOT NULL DEFAULT '[]',
  data jsonb NOT NULL DEFAULT '{}',
  tags jsonb NOT NULL DEFAULT '{}',
  reference jsonb,
  collector_id text COLLATE "C",
  domain_id text COLLATE "C" NOT NULL,
  workspace_id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX cloud_service_scope_idx ON cloud_service (domain_id, workspace_id, created_at);
CREATE INDEX cloud_service_data_idx ON cloud_service USING gin (data jsonb_path_ops);
CREATE INDEX cloud_service_tags_idx ON cloud_service USING gin (tags jsonb_path_ops);
CREATE TABLE job (
  job_id text COLLATE "C" PRIMARY KEY,
  status text COLLATE "C" NOT NULL,
  total_tasks int NOT NULL,
  remained_tasks int NOT NULL,
  success_tasks int NOT NULL,
  failure_tasks int NOT NULL,
  collector_id text COLLATE "C" NOT NULL,
  plugin_id text COLLATE "C" NOT NULL,
  labels text[] COLLATE "C",
  domain_id text COLLATE "C" NOT NULL,
  workspace_id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX job_scope_idx ON job (domain_id, created_at);
`;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CloudServiceRow {
  cloud_service_id: string;
  name: string | null;
  state: string;
  provider: string;
  cloud_service_group: string;
  cloud_service_type: string;
  region_code: string | null;
  account: string | null;
  instance_type: string | null;
  instance_size: number | null;
  ip_addresses: string[];
  data: { [key: string]: Json };
  tags: { [key: string]: Json };
  reference: { [key: string]: Json } | null;
  collector_id: string | null;
  domain_id: string;
  workspace_id: string;
  created_at: Date;
  updated_at: Date;
}

export interface JobRow {
  job_id: string;
  status: string;
  total_tasks: number;
  remained_tasks: number;
  success_tasks: number;
  failure_tasks: number;
  collector_id: string;
  plugin_id: string;
  labels: string[] | null;
  domain_id: string;
  workspace_id: string;
  created_at: Date;
  finished_at: Date | null;
}

/** mulberry32: a small seeded PRNG, so every run sees the same rows. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DOMAIN_A = 'domain-aaaa';
export const DOMAIN_B = 'domain-bbbb';
export const BASE_TIME = Date.UTC(2024, 0, 1, 0, 0, 0);
const HOUR = 3_600_000;

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

const NAMES = ['web', 'Web', 'api', 'db', 'cache', 'worker', 'batch_job', '100%-cpu', "o'brien", 'under_score', 'MiXeD'];
const GROUPS: [string, string, string][] = [
  ['aws', 'EC2', 'Instance'],
  ['aws', 'S3', 'Bucket'],
  ['aws', 'RDS', 'Database'],
  ['google_cloud', 'ComputeEngine', 'Instance'],
  ['google_cloud', 'CloudSQL', 'Instance'],
  ['azure', 'VirtualMachines', 'Instance'],
];
const REGIONS = ['us-east-1', 'us-west-2', 'ap-northeast-2', 'asia-northeast3', 'koreacentral', null];

export function seedCloudServices(count = 300): CloudServiceRow[] {
  const next = random(42);
  const rows: CloudServiceRow[] = [];
  for (let i = 0; i < count; i++) {
    const [provider, group, type] = pick(next, GROUPS);
    const region = pick(next, REGIONS);
    const created = new Date(BASE_TIME + i * 7 * HOUR + Math.floor(next() * 1000));
    const data: { [key: string]: Json } = {};
    if (next() < 0.85) data['compute'] = { az: region ? `${region}${pick(next, ['a', 'b'])}` : null, instance_state: pick(next, ['running', 'stopped', 'RUNNING']) };
    if (next() < 0.8) data['hardware'] = { core: pick(next, [1, 2, 4, 8, 16]), memory: pick(next, [0.5, 1, 2.5, 4, 16]) };
    if (next() < 0.7) {
      data['disks'] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ size: pick(next, [8, 20, 100, 500]), type: pick(next, ['gp2', 'io1', 'pd-ssd']) }));
    }
    if (next() < 0.75) data['os'] = { os_type: pick(next, ['LINUX', 'WINDOWS']) };
    if (next() < 0.6) data['launched_at'] = new Date(created.getTime() - Math.floor(next() * 90) * 24 * HOUR).toISOString();
    if (next() < 0.5) data['labels'] = Array.from({ length: Math.floor(next() * 3) }, () => pick(next, ['alpha', 'beta', 'gamma', 'Delta']));
    if (next() < 0.3) data['hours'] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(next, [0, 5, 12, 18]));
    const tags: { [key: string]: Json } = {};
    if (next() < 0.8) tags['env'] = pick(next, ['prod', 'dev', 'stage', 'Prod']);
    if (next() < 0.5) tags['team'] = pick(next, ['core', 'data', 'web']);
    if (next() < 0.3) tags['aws:cloudformation:stack-name'] = pick(next, ['stack-1', 'stack-2']);
    rows.push({
      cloud_service_id: `cloud-svc-${(0x100000 + i * 7919).toString(16)}`,
      name: next() < 0.06 ? null : `${pick(next, NAMES)}-${i % 37}`,
      state: pick(next, ['ACTIVE', 'ACTIVE', 'ACTIVE', 'DISCONNECTED', 'DELETED']),
      provider,
      cloud_service_group: group,
      cloud_service_type: type,
      region_code: region,
      account: next() < 0.1 ? null : pick(next, ['123456789012', '210987654321', '555555555555']),
      instance_type: next() < 0.3 ? null : pick(next, ['t3.micro', 't3.large', 'm5.xlarge', 'e2-medium']),
      instance_size: next() < 0.2 ? null : pick(next, [0.5, 1, 2, 4, 8, 16.5]),
      ip_addresses: Array.from({ length: Math.floor(next() * 3) }, () => `10.0.${Math.floor(next() * 4)}.${Math.floor(next() * 20)}`),
      data,
      tags,
      reference: next() < 0.1 ? null : { resource_id: `arn:aws:ec2:${i}`, external_link: `https://console/${i}` },
      collector_id: next() < 0.15 ? null : pick(next, ['collector-1', 'collector-2']),
      domain_id: i % 5 === 4 ? DOMAIN_B : DOMAIN_A,
      workspace_id: pick(next, ['workspace-1', 'workspace-2', 'workspace-3']),
      created_at: created,
      updated_at: new Date(created.getTime() + Math.floor(next() * 48) * HOUR),
    });
  }
  return rows;
}

export const JOB_STATUSES = ['IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCELED', 'TIMEOUT'];

export function seedJobs(count = 300): JobRow[] {
  const next = random(7);
  const rows: JobRow[] = [];
  for (let i = 0; i < count; i++) {
    const status = pick(next, JOB_STATUSES);
    const total = Math.floor(next() * 8);
    const remained = status === 'IN_PROGRESS' ? Math.floor(next() * (total + 1)) : 0;
    const failure = status === 'FAILURE' ? Math.min(total - remained, 1 + Math.floor(next() * 2)) : 0;
    const created = new Date(BASE_TIME + i * 5 * HOUR + Math.floor(next() * 60_000));
    rows.push({
      job_id: `job-${(0xabc000 + i * 104729).toString(16)}`,
      status,
      total_tasks: total,
      remained_tasks: remained,
      success_tasks: total - remained - failure,
      failure_tasks: failure,
      collector_id: pick(next, ['collector-1', 'collector-2', 'collector-3']),
      plugin_id: pick(next, ['plugin-aws', 'plugin-google']),
      labels: next() < 0.3 ? null : Array.from({ length: Math.floor(next() * 3) }, () => pick(next, ['nightly', 'manual', 'retry'])),
      domain_id: i % 4 === 3 ? DOMAIN_B : DOMAIN_A,
      workspace_id: pick(next, ['workspace-1', 'workspace-2']),
      created_at: created,
      finished_at: status === 'IN_PROGRESS' ? null : new Date(created.getTime() + Math.floor(next() * 120) * 60_000),
    });
  }
  return rows;
}

/** Creates the tables and inserts the seed rows (one multi-row INSERT per table). */
export async function loadFixture(client: Client, cloudServices: readonly CloudServiceRow[], jobs: readonly JobRow[]): Promise<void> {
  await client.query(DDL);
  await client.query(
    `INSERT INTO cloud_service SELECT * FROM jsonb_populate_recordset(NULL::cloud_service, $1::jsonb)`,
    [JSON.stringify(cloudServices)],
  );
  await client.query(`INSERT INTO job SELECT * FROM jsonb_populate_recordset(NULL::job, $1::jsonb)`, [JSON.stringify(jobs)]);
  await client.query('ANALYZE');
}
