import { ErrorCode } from '@cloud-inventory/grpc';
import type { JsonRecord } from '@cloud-inventory/testing';
import { inventoryProtoJson } from '../common/proto-http';
import { SecretRepository } from '../secret/secret.repository';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { toCollectorInfo } from './collector.mapper';
import { CollectorRepository } from './collector.repository';
import { CollectorService } from './collector.service';

/** Collector list and stat through the service and repository, on PostgreSQL. */

const DOMAIN = 'domain-col-a';
const OTHER = 'domain-col-b';
const scope = { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const };

interface Seed {
  id: string;
  domain: string;
  name: string;
  provider: string;
  plugin: string;
  version: string;
  schedule: 'ENABLED' | 'DISABLED';
  hours: number[];
  filter: 'ENABLED' | 'DISABLED';
  workspace: string;
}

const SEEDS: Seed[] = [
  { id: 'collector-000000000001', domain: DOMAIN, name: 'aws prod', provider: 'aws', plugin: 'plugin-aws', version: '1.13.0', schedule: 'ENABLED', hours: [0, 12], filter: 'ENABLED', workspace: '*' },
  { id: 'collector-000000000002', domain: DOMAIN, name: 'AWS dev', provider: 'aws', plugin: 'plugin-aws', version: '1.12.1', schedule: 'DISABLED', hours: [], filter: 'DISABLED', workspace: 'ws-1' },
  { id: 'collector-000000000003', domain: DOMAIN, name: 'google', provider: 'google_cloud', plugin: 'plugin-gcp', version: '2.0.0', schedule: 'ENABLED', hours: [5], filter: 'ENABLED', workspace: 'ws-2' },
  { id: 'collector-000000000004', domain: DOMAIN, name: 'openstack', provider: 'openstack', plugin: 'plugin-openstack', version: '0.4.2', schedule: 'DISABLED', hours: [], filter: 'ENABLED', workspace: 'ws-1' },
  { id: 'collector-000000000005', domain: OTHER, name: 'aws other', provider: 'aws', plugin: 'plugin-aws', version: '1.13.0', schedule: 'ENABLED', hours: [1], filter: 'ENABLED', workspace: '*' },
];
const mine = SEEDS.filter((s) => s.domain === DOMAIN);

describe('Collector list and stat on PostgreSQL', () => {
  let db: MigratedDatabase;
  let service: CollectorService;
  let repository: CollectorRepository;

  const decode = <T>(type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<T>(`spaceone.api.inventory.v1.${type}`, json);
  const list = (request: Record<string, unknown>, s = scope) => service.list(decode('CollectorQuery', request), s);
  const ids = async (request: Record<string, unknown>) => (await list(request)).results.map((r) => r.collector_id);
  const stat = (query: Record<string, unknown>) => service.stat(decode('CollectorStatQuery', { query }), scope) as Promise<JsonRecord>;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    repository = new CollectorRepository(db.dataSource);
    // list and stat use neither plugins nor secret data
    service = new CollectorService(
      repository,
      undefined as never,
      undefined as never,
      new SecretRepository(db.dataSource),
      undefined as never,
      undefined as never,
      undefined as never,
    );
    for (const s of SEEDS) {
      await db.dataSource.query(
        `INSERT INTO collector (collector_id, name, provider, capability, plugin_id, plugin_info, secret_filter, schedule, tags,
                                resource_group, domain_id, workspace_id)
         VALUES ($1, $2, $3, '{"supported_schema": ["aws_access_key"]}', $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          s.id,
          s.name,
          s.provider,
          s.plugin,
          JSON.stringify({ plugin_id: s.plugin, version: s.version, options: { region: 'all' }, metadata: { supported_resource_type: ['inventory.CloudService'] }, upgrade_mode: 'AUTO' }),
          JSON.stringify({ state: s.filter, secrets: [], service_accounts: [], schemas: [], exclude_secrets: [], exclude_service_accounts: [], exclude_schemas: [] }),
          JSON.stringify({ state: s.schedule, hours: s.hours }),
          JSON.stringify({ team: s.provider === 'aws' ? 'cloud' : 'infra' }),
          s.workspace === '*' ? 'DOMAIN' : 'WORKSPACE',
          s.domain,
          s.workspace,
        ],
      );
    }
  });

  afterAll(() => db.close());

  it('lists the caller domain by name, each row the CollectorInfo that get returns', async () => {
    const { results, total_count } = await list({});
    expect(total_count).toBe(mine.length);
    expect(results.map((r) => r.name)).toEqual(['AWS dev', 'aws prod', 'google', 'openstack']); // PostgreSQL's collation, as the index sorts
    for (const row of results) expect(row).toEqual(toCollectorInfo((await repository.findOne(DOMAIN, row.collector_id))!));
  });

  it('applies the CollectorQuery filters (plugin_id, schedule and secret filter states) and the workspace with domain-level collectors', async () => {
    const sorted = (rows: Seed[]) => rows.map((s) => s.id).sort();
    expect((await ids({ plugin_id: 'plugin-aws' })).sort()).toEqual(sorted(mine.filter((s) => s.plugin === 'plugin-aws')));
    expect((await ids({ schedule_state: 'ENABLED' })).sort()).toEqual(sorted(mine.filter((s) => s.schedule === 'ENABLED')));
    expect((await ids({ secret_filter_state: 'DISABLED' })).sort()).toEqual(sorted(mine.filter((s) => s.filter === 'DISABLED')));
    expect((await ids({ name: 'google' })).sort()).toEqual(['collector-000000000003']);
    expect((await ids({ workspace_id: 'ws-1' })).sort()).toEqual(sorted(mine.filter((s) => s.workspace === 'ws-1' || s.workspace === '*')));
    expect(await ids({ collector_id: 'collector-000000000005' })).toEqual([]);
  });

  it('filters on plugin_info, schedule and secret_filter by their API keys; keyword searches id, name and provider', async () => {
    expect(await ids({ query: { filter: [{ k: 'plugin_info.plugin_id', v: ['plugin-gcp', 'plugin-openstack'], o: 'in' }] } })).toEqual([
      'collector-000000000003',
      'collector-000000000004',
    ]);
    expect(await ids({ query: { filter: [{ k: 'plugin_info.version', v: '1.1', o: 'contain' }] } })).toEqual(['collector-000000000002', 'collector-000000000001']);
    expect(await ids({ query: { filter: [{ k: 'schedule.state', v: 'ENABLED', o: 'eq' }, { k: 'schedule.hours', v: 12, o: 'eq' }] } })).toEqual([
      'collector-000000000001',
    ]);
    expect(await ids({ query: { filter: [{ k: 'secret_filter.state', v: 'ENABLED', o: 'not' }] } })).toEqual(['collector-000000000002']);
    expect(await ids({ query: { filter: [{ k: 'tags.team', v: 'infra', o: 'eq' }] } })).toEqual(['collector-000000000003', 'collector-000000000004']);
    expect(await ids({ query: { keyword: 'OPENSTACK' } })).toEqual(['collector-000000000004']);
    expect(await ids({ query: { filter: [{ k: 'domain_id', v: OTHER, o: 'eq' }] } })).toEqual([]);
  });

  it('narrows rows with only (plugin_info sub-keys stay nested) and a sub-path that is not the proto type is left out', async () => {
    const { results } = await list({ query: { only: ['plugin_info.plugin_id', 'plugin_info.version', 'schedule.hours.0'], sort: [{ key: 'collector_id' }] } });
    expect(results[0]).toEqual({ plugin_info: { plugin_id: 'plugin-aws', version: '1.13.0' }, collector_id: 'collector-000000000001' });
    const minimal = await list({ query: { minimal: true, page: { limit: 1 } } });
    expect(Object.keys(minimal.results[0]).sort()).toEqual(
      ['capability', 'collector_id', 'last_collected_at', 'name', 'plugin_info', 'provider', 'resource_group', 'workspace_id'].sort(),
    );
    expect(minimal.results[0].last_collected_at).toBe('');
  });

  it('stats by provider and by the schedule state inside the JSON, no total_count without a page', async () => {
    const result = await stat({
      aggregate: [
        { group: { keys: [{ key: 'provider', name: 'provider' }, { key: 'schedule.state', name: 'schedule' }], fields: [{ operator: 'count', name: 'count' }, { key: 'name', operator: 'push', name: 'names' }] } },
        { sort: [{ key: 'provider' }, { key: 'schedule' }] },
      ],
    });
    expect(result).toEqual({
      results: [
        { provider: 'aws', schedule: 'DISABLED', count: 1, names: ['AWS dev'] },
        { provider: 'aws', schedule: 'ENABLED', count: 1, names: ['aws prod'] },
        { provider: 'google_cloud', schedule: 'ENABLED', count: 1, names: ['google'] },
        { provider: 'openstack', schedule: 'DISABLED', count: 1, names: ['openstack'] },
      ],
    });
    await expect(stat({ aggregate: [{ group: { keys: [{ key: 'plugin_info;', name: 'x' }], fields: [{ operator: 'count', name: 'n' }] } }] })).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARAMETER,
    });
  });
});
