/**
 * The naive baseline: what a straightforward ORM ingest does, one resource at a time, as
 * Cloudforet's own inventory does it: for each ResourceInfo, look the resource up by its match
 * rule's values (findOne), then save one entity (insert or update). It uses the inventory's own
 * DataSource definition and CloudServiceEntity, on a database of its own, plus an index on
 * reference.resource_id so that the lookup is not a table scan.
 */
import * as grpc from '@grpc/grpc-js';
import { createHash, randomBytes } from 'node:crypto';
import { FindOptionsWhere, Raw } from 'typeorm';
import { GRPC_CLIENT_OPTIONS, serviceClientConstructor } from '@cloud-inventory/grpc';
// the inventory's own schema (entities, migrations, DataSource options); a baseline-only import
import { CloudServiceEntity, createDataSource } from '@cloud-inventory/inventory';
import type { CollectRequest } from './bare-stream';
import { ratePerSecond, secondsSince } from './figures';
import { JsonRecord as Json } from '@cloud-inventory/testing';


const DOMAIN_ID = 'domain-bench';
const WORKSPACE_ID = '*';
const COLUMNS = new Set(['name', 'account', 'instance_type', 'cloud_service_type', 'cloud_service_group', 'provider', 'region_code']);

export interface NaiveReading {
  resources: number;
  created: number;
  updated: number;
  seconds: number;
  rate: number;
}

function valueAt(resource: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), resource);
}

/** findOne's where: plain columns by equality, dotted JSON paths (reference.resource_id) through ->>. */
function whereOf(resource: Json, rule: string[]): FindOptionsWhere<CloudServiceEntity> {
  const where: Json = { domain_id: DOMAIN_ID, workspace_id: WORKSPACE_ID };
  const json = new Map<string, [string, unknown][]>();
  for (const path of rule) {
    const [head, ...rest] = path.split('.');
    if (rest.length === 0 && COLUMNS.has(head)) where[head] = valueAt(resource, path);
    else json.set(head, [...(json.get(head) ?? []), [rest.join('.'), valueAt(resource, path)]]);
  }
  for (const [column, pairs] of json) {
    const params: Json = {};
    const conditions = pairs.map(([key, value], i) => {
      const name = `${column}_${i}`;
      params[name] = String(value);
      return `ALIAS #>> '{${key.split('.').join(',')}}' = :${name}`;
    });
    where[column] = Raw((alias) => conditions.map((c) => c.replace('ALIAS', alias)).join(' AND '), params);
  }
  return where as FindOptionsWhere<CloudServiceEntity>;
}

function firstRule(matchRules: Json): string[] {
  const names = Object.keys(matchRules ?? {}).sort((a, b) => Number(a) - Number(b));
  const rule = names.length > 0 ? matchRules[names[0]] : undefined;
  if (!Array.isArray(rule) || rule.length === 0) throw new Error('a resource came without match rules');
  return rule as string[];
}

/**
 * Streams `request` from the real plugin (decoded as the inventory decodes it, read with
 * backpressure) and saves each CloudService one at a time through TypeORM. The database must be
 * empty: the inventory's migrations are run on it first.
 */
export async function runNaiveIngest(databaseUrl: string, pluginAddress: string, request: CollectRequest): Promise<NaiveReading> {
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'bench-naive' });
  await dataSource.initialize();
  const Collector = serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector');
  const client = new Collector(pluginAddress, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    // not a straw man: the lookup by reference.resource_id gets an index, as Cloudforet's MongoDB has
    await dataSource.query(`CREATE INDEX "IDX_bench_naive_resource_id" ON "cloud_service" ((reference #>> '{resource_id}'))`);
    const repository = dataSource.getRepository(CloudServiceEntity);
    const started = process.hrtime.bigint();
    let created = 0;
    let updated = 0;
    const stream = (client as unknown as Record<string, (request: unknown) => grpc.ClientReadableStream<Json>>)['collect'].call(client, request);
    for await (const info of stream) {
      if (info['resource_type'] !== 'inventory.CloudService') continue;
      const resource = info['resource'] as Json;
      const rule = firstRule(info['match_rules']);
      const existing = await repository.findOne({ where: whereOf(resource, rule) });
      const entity = existing ?? repository.create({
        cloud_service_id: `cloud-svc-${randomBytes(6).toString('hex')}`,
        domain_id: DOMAIN_ID,
        workspace_id: WORKSPACE_ID,
        identity_key: createHash('md5').update(JSON.stringify([rule, rule.map((path) => valueAt(resource, path))])).digest('hex'),
        created_at: new Date(),
      });
      Object.assign(entity, {
        name: resource['name'] ?? '',
        account: resource['account'] ?? '',
        instance_type: resource['instance_type'] ?? '',
        instance_size: Number(resource['instance_size'] ?? 0),
        ip_addresses: resource['ip_addresses'] ?? [],
        cloud_service_type: resource['cloud_service_type'],
        cloud_service_group: resource['cloud_service_group'],
        provider: resource['provider'],
        region_code: resource['region_code'] ?? '',
        data: resource['json_data'] ? JSON.parse(resource['json_data']) : (resource['data'] ?? {}),
        metadata: resource['metadata'] ?? {},
        reference: resource['reference'] ?? {},
        tags: resource['tags'] ?? {},
        state: 'ACTIVE',
        last_collected_at: new Date(),
        updated_at: new Date(),
      });
      await repository.save(entity);
      if (existing) updated++;
      else created++;
    }
    const seconds = secondsSince(started);
    return { resources: created + updated, created, updated, seconds, rate: ratePerSecond(created + updated, seconds) };
  } finally {
    client.close();
    await dataSource.destroy();
  }
}
