import crypto from 'node:crypto';
import type { JsonRecord } from '@cloud-inventory/testing';
import { TaskOutcome, TaskStateRepository } from '../job-task/task-state.repository';
import { ingestContextOf as contextOf, instance, itemsOf as items } from '../testing/cloud-services';
import { createJob } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { IngestRepository, TaskLostError } from './ingest.repository';

describe('IngestRepository against PostgreSQL', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let states: TaskStateRepository;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    states = new TaskStateRepository(db.dataSource, testConfig());
    ingest = new IngestRepository(db.dataSource, testConfig(), states);
  });

  /** Ends a task and folds its job through the state machine alone (collect/task-ending.int-spec.ts covers what an ending does to resources). */
  const finish = (jobTaskId: string, outcome: TaskOutcome) =>
    db.dataSource.transaction(async (manager) => {
      const ended = await states.end(manager, jobTaskId, outcome);
      if (ended) await states.fold(manager, ended.task.job_id);
      return ended;
    });

  afterAll(() => db.close());

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
    await finish(first.tasks[0].job_task_id, { status: 'SUCCESS' });

    const second = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId });
    expect(await ingest.writeBatch(contextOf(second), items(second, batch), [])).toEqual({ created: 0, updated: 0, failed: 0 });
    const before = await db.dataSource.query(`SELECT cloud_service_id, updated_at FROM cloud_service WHERE name = 'vm-0'`);
    await finish(second.tasks[0].job_task_id, { status: 'SUCCESS' });

    const third = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', collectorId });
    const changed = batch.map((info, i) => (i % 10 === 0 ? instance(i, { data: { size: 'large' }, tags: { owner: 'x' } }) : info));
    expect(await ingest.writeBatch(contextOf(third), items(third, changed), [])).toEqual({ created: 0, updated: 5, failed: 0 });

    const [row] = await db.dataSource.query(`SELECT * FROM cloud_service WHERE name = 'vm-0'`);
    expect(row.cloud_service_id).toEqual(before[0].cloud_service_id);
    expect(row.cloud_service_id).toMatch(/^cloud-svc-[0-9a-f]{12}$/);
    // data is shallow-merged; tags are the provider's bucket, replaced whole, as Cloudforet does
    expect(row.data).toEqual({ size: 'large', disks: [1, 2] });
    expect(row.tags).toEqual({ aws: { owner: 'x' } });
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

  it('gives a batch whose new ids collide with stored ones new ids, and writes it whole', async () => {
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-collide' });
    // the next two draws of a batch's random id head (4 bytes) are the same: the second batch's ids
    // collide with the first's; its retry draws again
    const randomBytes = crypto.randomBytes.bind(crypto);
    let forced = 2;
    const spy = jest
      .spyOn(crypto, 'randomBytes')
      .mockImplementation(((size: number) => {
        if (size !== 4 || forced === 0) return randomBytes(size);
        forced -= 1;
        return Buffer.from('deadbeef', 'hex');
      }) as typeof crypto.randomBytes);
    try {
      expect(await ingest.writeBatch(contextOf(job), items(job, [0, 1, 2].map((i) => instance(3000 + i))), [])).toEqual({ created: 3, updated: 0, failed: 0 });
      expect(await ingest.writeBatch(contextOf(job), items(job, [3, 4, 5, 6, 7].map((i) => instance(3000 + i))), [])).toEqual({ created: 5, updated: 0, failed: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(forced).toBe(0);
    const rows: { cloud_service_id: string }[] = await db.dataSource.query(`SELECT cloud_service_id FROM cloud_service WHERE workspace_id = 'ws-collide' ORDER BY cloud_service_id`);
    const ids = rows.map((row) => row.cloud_service_id);
    expect(ids).toHaveLength(8);
    expect(ids.filter((id) => id.startsWith('cloud-svc-deadbeef'))).toEqual(['cloud-svc-deadbeef0000', 'cloud-svc-deadbeef0001', 'cloud-svc-deadbeef0002']);
    expect(await task(job.tasks[0].job_task_id)).toMatchObject({ created_count: 8 });
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

  it('revives a DELETED type or region it sees again (same row, ACTIVE), and moves the updated_at of unchanged ones at most every 10 minutes', async () => {
    const typeAndRegion = [
      { resource_type: 'inventory.CloudServiceType', match_rules: { '1': ['name', 'group', 'provider'] }, resource: { name: 'Bucket', group: 'S3', provider: 'aws' } },
      { resource_type: 'inventory.Region', match_rules: { '1': ['provider', 'region_code'] }, resource: { name: 'Ireland', region_code: 'eu-west-1', provider: 'aws' } },
    ];
    const rows = async () => ({
      type: (await db.dataSource.query(`SELECT * FROM cloud_service_type WHERE workspace_id = 'ws-seen'`)) as JsonRecord[],
      region: (await db.dataSource.query(`SELECT * FROM region WHERE workspace_id = 'ws-seen'`)) as JsonRecord[],
    });
    const collectAgain = async (collectorId: string) => {
      const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-seen', collectorId });
      expect(await ingest.writeBatch(contextOf(job), items(job, typeAndRegion), [])).toEqual({ created: 0, updated: 0, failed: 0 });
    };
    const first = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-seen', collectorId: 'collector-first' });
    await ingest.writeBatch(contextOf(first), items(first, typeAndRegion), []);
    const created = await rows();

    // the type was last seen 2 hours ago; the region was DELETED by retention
    await db.dataSource.query(`UPDATE cloud_service_type SET updated_at = now() - interval '2 hours' WHERE workspace_id = 'ws-seen'`);
    await db.dataSource.query(
      `UPDATE region SET state = 'DELETED', deleted_at = now() - interval '1 hour', updated_at = now() - interval '100 hours' WHERE workspace_id = 'ws-seen'`,
    );
    await collectAgain('collector-second');
    const seen = await rows();
    expect(seen.type).toHaveLength(1);
    expect(seen.type[0]).toMatchObject({ cloud_service_type_id: created.type[0].cloud_service_type_id, state: 'ACTIVE', updated_by: 'collector-first' });
    expect(Date.now() - seen.type[0].updated_at.getTime()).toBeLessThan(60_000);
    expect(seen.region).toHaveLength(1);
    expect(seen.region[0]).toMatchObject({ region_id: created.region[0].region_id, state: 'ACTIVE', deleted_at: null, updated_by: 'collector-second' });
    expect(Date.now() - seen.region[0].updated_at.getTime()).toBeLessThan(60_000);

    // seen 5 minutes ago: not written again
    await db.dataSource.query(`UPDATE cloud_service_type SET updated_at = now() - interval '5 minutes' WHERE workspace_id = 'ws-seen'`);
    const [{ before }] = await db.dataSource.query(`SELECT updated_at AS before FROM cloud_service_type WHERE workspace_id = 'ws-seen'`);
    await collectAgain('collector-third');
    expect((await rows()).type[0].updated_at).toEqual(before);
  });
});
