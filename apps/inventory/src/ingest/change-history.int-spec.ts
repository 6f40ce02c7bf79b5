import type { JsonRecord } from '@cloud-inventory/testing';
import { diffEntries } from '../cloud-service/change-history.sql';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { ingestContextOf as contextOf, instance, itemsOf as items } from '../testing/cloud-services';
import { createJob } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { IngestRepository } from './ingest.repository';

type Entry = { key: string; before: string | null; after: string | null; type: string };

/**
 * The change history's SQL on PostgreSQL: the diff function over nested data, lists and tags, and
 * the records ingest writes in the batch's statement (for created and changed resources only).
 */
describe('change history SQL', () => {
  let db: MigratedDatabase;
  let ingest: IngestRepository;
  let states: TaskStateRepository;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    states = new TaskStateRepository(db.dataSource, testConfig());
    ingest = new IngestRepository(db.dataSource, testConfig(), states);
  });

  afterAll(() => db.close());

  /** Ends a job's task (one collect of a collector runs at a time). */
  // a task's ending is folded into its job at once, so the collector's next job may start
  const finish = (job: { jobId: string; tasks: { job_task_id: string }[] }) =>
    db.dataSource.transaction(async (manager) => {
      await states.end(manager, job.tasks[0].job_task_id, { status: 'SUCCESS' });
      await states.fold(manager, job.jobId);
    });

  /**
   * change_record_diff (reads) and diffEntries (writes: every changed row of a statement at once)
   * must give the same entries: each case runs both, the pair alone and among other pairs.
   */
  async function diff(before: unknown, after: unknown): Promise<Entry[]> {
    const values = [before === null ? null : JSON.stringify(before), JSON.stringify(after)];
    const [row] = await db.dataSource.query(`SELECT change_record_diff($1::jsonb, $2::jsonb) AS diff`, values);
    const others = `SELECT 'other-' || n AS id, jsonb_build_object('name', 'a' || n, 'data', jsonb_build_object('x', n)) AS before,
                           jsonb_build_object('name', 'b' || n, 'data', jsonb_build_object('x', n + 1)) AS after FROM generate_series(1, 3) n`;
    const walked = await db.dataSource.query(
      `SELECT id, diff FROM (${diffEntries(`SELECT 'case' AS id, $1::jsonb AS before, $2::jsonb AS after UNION ALL ${others}`)}) d ORDER BY id`,
      values,
    );
    const mine = walked.find((r: { id: string }) => r.id === 'case');
    expect(mine?.diff ?? []).toEqual(row.diff);
    expect(walked.filter((r: { id: string }) => r.id !== 'case')).toHaveLength(3);
    return row.diff;
  }

  describe('change_record_diff', () => {
    it('walks objects three levels down and compares deeper values whole, as JSON text', async () => {
      const before = { data: { os: { type: 'linux', kernel: { major: 5 } }, size: 1 } };
      const after = { data: { os: { type: 'windows', kernel: { major: 6 } }, size: 1 } };
      expect(await diff(before, after)).toEqual([
        { key: 'data.os.type', before: 'linux', after: 'windows', type: 'CHANGED' },
        { key: 'data.os.kernel', before: '{"major": 5}', after: '{"major": 6}', type: 'CHANGED' },
      ]);
    });

    it('says ADDED and DELETED for keys one side lacks, and only for the keys that differ', async () => {
      const before = { name: 'vm', data: { gone: 'x', same: 1, nested: { a: 1 } } };
      const after = { name: 'vm', data: { same: 1, nested: { a: 1, b: true } }, account: '111' };
      expect(await diff(before, after)).toEqual([
        { key: 'account', before: null, after: '111', type: 'ADDED' },
        { key: 'data.gone', before: 'x', after: null, type: 'DELETED' },
        { key: 'data.nested.b', before: null, after: 'true', type: 'ADDED' },
      ]);
    });

    it('compares lists whole and sorted: a reordered list is no change, a changed one is shown sorted', async () => {
      expect(await diff({ ip_addresses: ['10.0.0.2', '10.0.0.1'] }, { ip_addresses: ['10.0.0.1', '10.0.0.2'] })).toEqual([]);
      expect(await diff({ data: { disks: [{ size: 8 }] } }, { data: { disks: [{ size: 20 }, { size: 8 }] } })).toEqual([
        { key: 'data.disks', before: '[{"size": 8}]', after: '[{"size": 8}, {"size": 20}]', type: 'CHANGED' },
      ]);
    });

    it('diffs tags by provider and plain key (tags.<provider>.<key>), not in a hashed form', async () => {
      const before = { tags: { aws: { Name: 'web-1', env: 'prod' } } };
      const after = { tags: { aws: { Name: 'web-2', env: 'prod' }, custom: { owner: 'me' } } };
      expect(await diff(before, after)).toEqual([
        { key: 'tags.aws.Name', before: 'web-1', after: 'web-2', type: 'CHANGED' },
        { key: 'tags.custom.owner', before: null, after: 'me', type: 'ADDED' },
      ]);
    });

    it('counts empty values as absent, writes scalars as text, and compares a value that became an object whole', async () => {
      expect(await diff(null, { name: '', account: null, ip_addresses: [], data: {}, instance_size: 2.5, tags: { aws: {} } })).toEqual([
        { key: 'instance_size', before: null, after: '2.5', type: 'ADDED' },
      ]);
      expect(await diff({ data: { x: 'flat' } }, { data: { x: { y: 1 } } })).toEqual([
        { key: 'data.x', before: 'flat', after: '{"y": 1}', type: 'CHANGED' },
      ]);
    });

    it('gives nothing for documents that compare equal', async () => {
      const doc = { name: 'a', data: { a: { b: { c: [1, 2] } } }, tags: { aws: { k: 'v' } } };
      expect(await diff(doc, doc)).toEqual([]);
    });
  });

  describe('records written by ingest', () => {
    const records = (workspaceId: string) =>
      db.dataSource.query(
        `SELECT r.action, r.diff, r.diff_count, r.updated_by, r.collector_id, r.job_id, r.user_id, r.created_with, cs.name
           FROM change_record r JOIN cloud_service cs USING (cloud_service_id)
          WHERE cs.workspace_id = $1 ORDER BY r.created_at, cs.name`,
        [workspaceId],
      );

    it('records a CREATE with the created document, nothing for an unchanged re-collect, an UPDATE with the changed keys only', async () => {
      const first = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-history' });
      const batch = [instance(1, { tags: { Name: 'vm-1', env: 'prod' } }), instance(2)];
      await ingest.writeBatch(contextOf(first), items(first, batch), []);
      const created = await records('ws-history');
      expect(created.map((r: JsonRecord) => [r.action, r.name, r.updated_by, r.collector_id, r.job_id])).toEqual([
        ['CREATE', 'vm-1', 'COLLECTOR', first.collectorId, first.jobId],
        ['CREATE', 'vm-2', 'COLLECTOR', first.collectorId, first.jobId],
      ]);
      expect(created[0]).toMatchObject({ diff: null, diff_count: null });
      expect(created[0].created_with).toMatchObject({ name: 'vm-1', account: '111', tags: { aws: { Name: 'vm-1', env: 'prod' } } });
      // a CREATE's entries, as ChangeHistory reads them: every diffed key ADDED
      const [{ entries }] = await db.dataSource.query(`SELECT change_record_diff(NULL, $1::jsonb) AS entries`, [JSON.stringify(created[0].created_with)]);
      expect(entries).toEqual(
        expect.arrayContaining([
          { key: 'name', before: null, after: 'vm-1', type: 'ADDED' },
          { key: 'data.size', before: null, after: 'small', type: 'ADDED' },
          { key: 'tags.aws.Name', before: null, after: 'vm-1', type: 'ADDED' },
          { key: 'reference.resource_id', before: null, after: 'i-1', type: 'ADDED' },
        ]),
      );

      await ingest.writeBatch(contextOf(first), items(first, batch), []);
      expect(await records('ws-history')).toHaveLength(2);
      await finish(first);

      const second = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-history', collectorId: first.collectorId });
      const changed = [instance(1, { instance_type: 'm5.large', data: { size: 'large', disks: [2, 1] }, tags: { Name: 'vm-1' } }), instance(2)];
      expect(await ingest.writeBatch(contextOf(second), items(second, changed), [])).toEqual({ created: 0, updated: 1, failed: 0 });
      const all = await records('ws-history');
      expect(all).toHaveLength(3);
      expect(all[2]).toMatchObject({ action: 'UPDATE', name: 'vm-1', updated_by: 'COLLECTOR', collector_id: first.collectorId, job_id: second.jobId, user_id: '' });
      expect(all[2].diff).toEqual([
        // '' counts as absent: the key is ADDED
        { key: 'instance_type', before: null, after: 'm5.large', type: 'ADDED' },
        { key: 'data.size', before: 'small', after: 'large', type: 'CHANGED' },
        { key: 'tags.aws.env', before: 'prod', after: null, type: 'DELETED' },
      ]);
      expect(all[2].diff_count).toBe(3);
    });

    it('records nothing for an update that changes no diffed key (metadata only)', async () => {
      const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-metadata' });
      await ingest.writeBatch(contextOf(job), items(job, [instance(5, { metadata: { view: 1 } })]), []);
      expect(await ingest.writeBatch(contextOf(job), items(job, [instance(5, { metadata: { view: 2 } })]), [])).toMatchObject({ updated: 1 });
      expect((await records('ws-metadata')).map((r: JsonRecord) => r.action)).toEqual(['CREATE']);
    });

    it('records a DELETE by the collector and job when a resource is deleted after too many missed collects', async () => {
      const config = testConfig({ disconnectedDeleteAfter: 1 });
      const deleting = new IngestRepository(db.dataSource, config, states);
      const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-gone' });
      await deleting.writeBatch(contextOf(job), items(job, [instance(7)]), []);
      await finish(job);
      const next = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-gone', collectorId: job.collectorId });
      const counts = await db.dataSource.transaction((manager) =>
        deleting.disconnectUnseen(manager, { job_id: next.jobId, domain_id: next.domainId, collector_id: next.collectorId, secret_id: next.tasks[0].secret_id }, new Date()),
      );
      expect(counts).toEqual({ disconnected: 0, deleted: 1 });
      expect((await records('ws-gone')).map((r: JsonRecord) => [r.action, r.diff, r.diff_count, r.updated_by, r.job_id])).toEqual([
        ['CREATE', null, null, 'COLLECTOR', job.jobId],
        ['DELETE', [], 0, 'COLLECTOR', next.jobId],
      ]);
    });

    it('writes no record at all with CHANGE_HISTORY=off', async () => {
      const quiet = new IngestRepository(db.dataSource, testConfig({ changeHistory: false, disconnectedDeleteAfter: 1 }), states);
      const job = await createJob(db.dataSource, { count: 1, leaseOwner: 'worker-1', workspaceId: 'ws-quiet' });
      await quiet.writeBatch(contextOf(job), items(job, [instance(8)]), []);
      await quiet.writeBatch(contextOf(job), items(job, [instance(8, { name: 'renamed' })]), []);
      await db.dataSource.transaction((manager) =>
        quiet.disconnectUnseen(manager, { job_id: 'job-other', domain_id: job.domainId, collector_id: job.collectorId, secret_id: job.tasks[0].secret_id }, new Date()),
      );
      const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM cloud_service WHERE workspace_id = 'ws-quiet' AND state = 'DELETED' AND name = 'renamed'`);
      expect(n).toBe(1);
      expect(await records('ws-quiet')).toEqual([]);
    });
  });
});
