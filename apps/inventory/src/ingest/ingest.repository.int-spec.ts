import { TaskStateRepository } from '../collect/task-state.repository';
import { createJob, JobFixture } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { ResourceItem } from './ingest-item';
import { IngestContext, IngestRepository, TaskLostError } from './ingest.repository';
import { resourceInfoFrame } from '../testing/resource-frames';
import { normalizeResource } from './resource-normalizer';

const RULE = { '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'] };

type Info = Parameters<typeof resourceInfoFrame>[0];

function instance(id: number, extra: Record<string, unknown> = {}, rules: Record<string, string[]> = RULE): Info {
  return {
    resource_type: 'inventory.CloudService',
    match_rules: rules,
    resource: {
      name: `vm-${id}`,
      provider: 'aws',
      account: '111',
      cloud_service_group: 'EC2',
      cloud_service_type: 'Instance',
      region_code: 'us-east-1',
      reference: { resource_id: `i-${id}` },
      data: { size: 'small', disks: [1, 2] },
      tags: { env: 'prod' },
      ...extra,
    },
  };
}

const SCOPE = { domain_id: 'domain-test', workspace_id: '' };

function items(job: JobFixture, infos: Info[]): ResourceItem[] {
  const workspaceId = job.tasks[0].workspace_id;
  return infos.map((info) => {
    const item = normalizeResource(resourceInfoFrame(info), { ...SCOPE, workspace_id: workspaceId }, (text) => text);
    if (item.kind === 'failure') throw new Error(item.error.message);
    return item;
  });
}

describe('IngestRepository against PostgreSQL', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let states: TaskStateRepository;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    ingest = new IngestRepository(db.dataSource, testConfig());
    states = new TaskStateRepository(db.dataSource, testConfig());
  });

  afterAll(() => db.close());

  function contextOf(job: JobFixture, index = 0): IngestContext {
    const task = job.tasks[index];
    return {
      job_task_id: task.job_task_id,
      job_id: job.jobId,
      collector_id: job.collectorId,
      secret_id: task.secret_id,
      domain_id: job.domainId,
      workspace_id: task.workspace_id,
      service_account_id: '',
      project_id: '',
      lease_owner: 'worker-1',
    };
  }

  async function task(id: string) {
    const [row] = await db.dataSource.query(`SELECT * FROM job_task WHERE job_task_id = $1`, [id]);
    return row;
  }

  it('creates, then skips unchanged resources, then updates only the changed ones, counting each on the task', async () => {
    const collectorId = 'collector-counts';
    const first = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId });
    const batch = Array.from({ length: 50 }, (_, i) => instance(i));
    expect(await ingest.writeBatch(contextOf(first), items(first, batch), [])).toEqual({ created: 50, updated: 0, failed: 0 });
    expect(await task(first.tasks[0].job_task_id)).toMatchObject({ created_count: 50, updated_count: 0 });
    await states.finish(first.tasks[0].job_task_id, { status: 'SUCCESS' });

    const second = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId });
    expect(await ingest.writeBatch(contextOf(second), items(second, batch), [])).toEqual({ created: 0, updated: 0, failed: 0 });
    const before = await db.dataSource.query(`SELECT cloud_service_id, updated_at FROM cloud_service WHERE name = 'vm-0'`);
    await states.finish(second.tasks[0].job_task_id, { status: 'SUCCESS' });

    const third = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId });
    const changed = batch.map((info, i) => (i % 10 === 0 ? instance(i, { data: { size: 'large' }, tags: { owner: 'x' } }) : info));
    expect(await ingest.writeBatch(contextOf(third), items(third, changed), [])).toEqual({ created: 0, updated: 5, failed: 0 });

    const [row] = await db.dataSource.query(`SELECT * FROM cloud_service WHERE name = 'vm-0'`);
    expect(row.cloud_service_id).toEqual(before[0].cloud_service_id);
    expect(row.cloud_service_id).toMatch(/^cloud-svc-[0-9a-f]{12}$/);
    // data, tags and metadata are shallow-merged, as Cloudforet does
    expect(row.data).toEqual({ size: 'large', disks: [1, 2] });
    expect(row.tags).toEqual({ env: 'prod', owner: 'x' });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM cloud_service WHERE collector_id = $1`, [collectorId]);
    expect(n).toBe(50);
  });

  it('matches by a lower-priority rule when the identity is new, and reports several matches as a failure', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-rules' });
    const rules = { '1': ['reference.resource_id', 'provider'], '2': ['name', 'provider'] };
    const original = instance(900, { name: 'db-main' }, rules);
    await ingest.writeBatch(contextOf(job), items(job, [original]), []);
    // same name, new resource id: rule 1 finds nothing, rule 2 finds the row, which is updated in place
    const moved = instance(901, { name: 'db-main' }, rules);
    expect(await ingest.writeBatch(contextOf(job), items(job, [moved]), [])).toEqual({ created: 0, updated: 1, failed: 0 });
    const rows = await db.dataSource.query(`SELECT reference FROM cloud_service WHERE workspace_id = 'ws-rules'`);
    expect(rows).toEqual([{ reference: { resource_id: 'i-901', external_link: '' } }]);

    // two rows share a name; a third resource matching only by that name is ambiguous
    await ingest.writeBatch(contextOf(job), items(job, [instance(902, { name: 'twin' }, rules), instance(903, { name: 'twin' }, rules)]), []);
    const ambiguous = await ingest.writeBatch(contextOf(job), items(job, [instance(904, { name: 'twin' }, rules)]), []);
    expect(ambiguous).toEqual({ created: 0, updated: 0, failed: 1 });
    const row = await task(job.tasks[0].job_task_id);
    expect(row.errors).toEqual([expect.objectContaining({ error_code: 'ERROR_TOO_MANY_MATCH' })]);
  });

  it('writes nothing for a worker that lost its task', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-lost' });
    await db.dataSource.query(`UPDATE task_queue SET lease_owner = 'worker-2' WHERE job_task_id = $1`, [job.tasks[0].job_task_id]);
    await expect(ingest.writeBatch(contextOf(job), items(job, [instance(1)]), [])).rejects.toBeInstanceOf(TaskLostError);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM cloud_service WHERE workspace_id = 'ws-lost'`);
    expect(n).toBe(0);
  });

  it('stores types and regions without counting them, and keeps failures with their errors', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-kinds' });
    const [type, region] = items(job, [
      { resource_type: 'inventory.CloudServiceType', match_rules: { '1': ['name', 'group', 'provider'] }, resource: { name: 'Instance', group: 'EC2', provider: 'aws', labels: ['Compute'] } },
      { resource_type: 'inventory.Region', match_rules: { '1': ['provider', 'region_code'] }, resource: { name: 'N. Virginia', region_code: 'us-east-1', provider: 'aws' } },
    ]);
    const counts = await ingest.writeBatch(contextOf(job), [type, region, ...items(job, [instance(1)])], [
      { error_code: 'ERROR_PLUGIN', message: 'access denied', additional: {} },
    ]);
    expect(counts).toEqual({ created: 1, updated: 0, failed: 1 });
    const [types] = await db.dataSource.query(`SELECT count(*)::int AS n FROM cloud_service_type WHERE workspace_id = 'ws-kinds'`);
    const [regions] = await db.dataSource.query(`SELECT count(*)::int AS n FROM region WHERE workspace_id = 'ws-kinds'`);
    expect([types.n, regions.n]).toEqual([1, 1]);
    expect((await task(job.tasks[0].job_task_id)).errors).toEqual([{ error_code: 'ERROR_PLUGIN', message: 'access denied', additional: {} }]);
  });

  it('after a successful collect, disconnects what it did not see, deletes after repeated misses, and revives what comes back', async () => {
    const collectorId = 'collector-gc';
    const cleaning = new TaskStateRepository(db.dataSource, testConfig({ disconnectedDeleteAfter: 2 }));
    const run = async (ids: number[]) => {
      const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-gc' });
      await ingest.writeBatch(contextOf(job), items(job, ids.map((i) => instance(i))), []);
      return (await cleaning.finish(job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' }))!.task;
    };
    expect(await run([1, 2, 3, 4])).toMatchObject({ created_count: 4, disconnected_count: 0, deleted_count: 0 });
    expect(await run([1, 2])).toMatchObject({ created_count: 0, disconnected_count: 2, deleted_count: 0 });
    const states = async () =>
      Object.fromEntries(
        (await db.dataSource.query(`SELECT name, state FROM cloud_service WHERE workspace_id = 'ws-gc'`)).map((r: { name: string; state: string }) => [r.name, r.state]),
      );
    expect(await states()).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'DISCONNECTED', 'vm-4': 'DISCONNECTED' });
    // vm-3 comes back (revived, counted as updated); vm-4 is missed a second time and deleted
    expect(await run([1, 2, 3])).toMatchObject({ updated_count: 1, disconnected_count: 0, deleted_count: 1 });
    expect(await states()).toEqual({ 'vm-1': 'ACTIVE', 'vm-2': 'ACTIVE', 'vm-3': 'ACTIVE', 'vm-4': 'DELETED' });
    // a deleted resource that reappears is a new resource
    expect(await run([1, 2, 3, 4])).toMatchObject({ created_count: 1 });
  });

  it('changes nothing after a failed collect', async () => {
    const collectorId = 'collector-partial';
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-partial' });
    await ingest.writeBatch(contextOf(job), items(job, [1, 2, 3].map((i) => instance(i))), []);
    await states.finish(job.tasks[0].job_task_id, { status: 'SUCCESS', leaseOwner: 'worker-1' });
    const failing = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId, workspaceId: 'ws-partial' });
    await ingest.writeBatch(contextOf(failing), items(failing, [instance(1)]), []);
    const ended = await states.finish(failing.tasks[0].job_task_id, {
      status: 'FAILURE',
      leaseOwner: 'worker-1',
      error: { error_code: 'ERROR_COLLECTOR_PLUGIN', message: 'stream broke', additional: {} },
    });
    expect(ended?.task).toMatchObject({ status: 'FAILURE', disconnected_count: 0 });
    const rows = await db.dataSource.query(`SELECT state FROM cloud_service WHERE workspace_id = 'ws-partial'`);
    expect(rows.map((r: { state: string }) => r.state)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  });
});
