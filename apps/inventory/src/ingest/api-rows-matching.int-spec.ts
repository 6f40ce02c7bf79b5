import type { JsonRecord, LooseJson } from '@cloud-inventory/testing';
import { inventoryProtoJson } from '../common/proto-http';
import { CloudServiceTypeRepository } from '../cloud-service/cloud-service-type.repository';
import { CloudServiceTypeService } from '../cloud-service/cloud-service-type.service';
import { CloudServiceRepository } from '../cloud-service/cloud-service.repository';
import { CloudServiceService } from '../cloud-service/cloud-service.service';
import { RegionRepository } from '../cloud-service/region.repository';
import { RegionService } from '../cloud-service/region.service';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { ingestContextOf as contextOf, instance, itemsOf as items } from '../testing/cloud-services';
import { createJob, JobFixture } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { IngestRepository } from './ingest.repository';

/**
 * Rows created through the API are the rows a later collect of the same resources updates, as
 * Cloudforet's match rules would find them: never a second row.
 */
describe('a collect matches what the API created', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let states: TaskStateRepository;
  let services: CloudServiceService;
  let types: CloudServiceTypeService;
  let regions: RegionService;
  // the API writes domain-level rows ("*") until tokens carry a workspace: so do collects of domain-level secrets
  const WORKSPACE = '*';
  const DOMAIN = 'domain-test';
  const scope = { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const };
  const decode = (type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<LooseJson>(`spaceone.api.inventory.v1.${type}`, json);

  beforeAll(async () => {
    db = await createMigratedDatabase();
    states = new TaskStateRepository(db.dataSource, testConfig());
    ingest = new IngestRepository(db.dataSource, testConfig(), states);
    services = new CloudServiceService(new CloudServiceRepository(db.dataSource));
    types = new CloudServiceTypeService(new CloudServiceTypeRepository(db.dataSource));
    regions = new RegionService(new RegionRepository(db.dataSource));
  });

  afterAll(() => db.close());

  async function collect(infos: Parameters<typeof items>[1]): Promise<{ job: JobFixture; counts: Awaited<ReturnType<IngestRepository['writeBatch']>> }> {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: WORKSPACE });
    const counts = await ingest.writeBatch(contextOf(job), items(job, infos), []);
    await db.dataSource.transaction((manager) => states.end(manager, job.tasks[0].job_task_id, { status: 'SUCCESS' }));
    return { job, counts };
  }

  const manual = (resourceId: string, extra: Record<string, unknown> = {}) =>
    services.create(
      decode('CreateServiceRequest', {
        name: 'by hand',
        provider: 'aws',
        cloud_service_group: 'EC2',
        cloud_service_type: 'Instance',
        account: '111',
        reference: { resource_id: resourceId },
        data: { note: 'typed in' },
        tags: { owner: 'me' },
        ...extra,
      }),
      scope,
    );

  const rowsOf = (resourceId: string) =>
    db.dataSource.query(`SELECT cloud_service_id, name, collector_id, data, tags FROM cloud_service WHERE reference->>'resource_id' = $1`, [resourceId]);

  it("takes over a manual cloud service under the AWS rule (its identity), recording the collector's UPDATE", async () => {
    const created = await manual('i-aws');
    const { job, counts } = await collect([instance(1, { reference: { resource_id: 'i-aws' } })]);
    expect(counts).toEqual({ created: 0, updated: 1, failed: 0 });
    const rows = await rowsOf('i-aws');
    expect(rows).toEqual([
      { cloud_service_id: created.cloud_service_id, name: 'vm-1', collector_id: job.collectorId, data: { note: 'typed in', size: 'small', disks: [1, 2] }, tags: { aws: { env: 'prod' } } },
    ]);
    const records = await db.dataSource.query(`SELECT action, updated_by, job_id, diff FROM change_record WHERE cloud_service_id = $1 ORDER BY created_at`, [
      created.cloud_service_id,
    ]);
    expect(records.map((r: JsonRecord) => [r.action, r.updated_by, r.job_id])).toEqual([
      ['CREATE', 'USER', ''],
      ['UPDATE', 'COLLECTOR', job.jobId],
    ]);
    expect(records[1].diff).toEqual(expect.arrayContaining([{ key: 'name', before: 'by hand', after: 'vm-1', type: 'CHANGED' }]));
  });

  it('takes over a manual cloud service under the rule without account (Google, Azure) through its secondary key', async () => {
    const created = await manual('i-google');
    const googleRule = { '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group'] };
    const { counts } = await collect([instance(2, { reference: { resource_id: 'i-google' }, account: '999' }, googleRule)]);
    expect(counts).toEqual({ created: 0, updated: 1, failed: 0 });
    expect((await rowsOf('i-google')).map((r: JsonRecord) => [r.cloud_service_id, r.name])).toEqual([[created.cloud_service_id, 'vm-2']]);
    // the row now has the collect's keys: the next collect finds it by its identity, unchanged
    expect((await collect([instance(2, { reference: { resource_id: 'i-google' }, account: '999' }, googleRule)])).counts).toEqual({ created: 0, updated: 0, failed: 0 });
  });

  it('leaves a manual cloud service without reference alone: a collect creates its own', async () => {
    const created = await services.create(decode('CreateServiceRequest', { provider: 'aws', cloud_service_group: 'EC2', cloud_service_type: 'Instance', account: '111', data: {} }), scope);
    const { counts } = await collect([instance(3)]);
    expect(counts.created).toBe(1);
    expect((await services.get(created.cloud_service_id, scope)).collection_info?.collector_id).toBe('');
  });

  it('takes over types and regions created by hand, whatever the order of the rule keys, and they become the collector\'s', async () => {
    const type = await types.create(decode('CreateCloudServiceTypeRequest', { provider: 'aws', group: 'EC2', name: 'Instance', labels: ['Server'] }), scope);
    const region = await regions.create(decode('CreateRegionRequest', { provider: 'aws', region_code: 'us-east-1', name: 'typed' }), scope);
    const { job } = await collect([
      { resource_type: 'inventory.CloudServiceType', match_rules: { '1': ['name', 'group', 'provider'] }, resource: { name: 'Instance', group: 'EC2', provider: 'aws', is_primary: true } },
      // Google's plugins put region_code first: another identity, the same region
      { resource_type: 'inventory.Region', match_rules: { '1': ['region_code', 'provider'] }, resource: { name: 'N. Virginia', region_code: 'us-east-1', provider: 'aws' } },
    ]);
    const [typeRow] = await db.dataSource.query(`SELECT cloud_service_type_id, is_primary, labels, updated_by FROM cloud_service_type WHERE workspace_id = $1`, [WORKSPACE]);
    expect(typeRow).toEqual({ cloud_service_type_id: type.cloud_service_type_id, is_primary: true, labels: [], updated_by: job.collectorId });
    const regionRows = await db.dataSource.query(`SELECT region_id, name, updated_by FROM region WHERE workspace_id = $1`, [WORKSPACE]);
    expect(regionRows).toEqual([{ region_id: region.region_id, name: 'N. Virginia', updated_by: job.collectorId }]);
    // the region took the collect's identity: an unchanged collect finds it without writing
    const before = await db.dataSource.query(`SELECT updated_at FROM region WHERE region_id = $1`, [region.region_id]);
    await collect([{ resource_type: 'inventory.Region', match_rules: { '1': ['region_code', 'provider'] }, resource: { name: 'N. Virginia', region_code: 'us-east-1', provider: 'aws' } }]);
    expect(await db.dataSource.query(`SELECT updated_at FROM region WHERE region_id = $1`, [region.region_id])).toEqual(before);
  });
});
