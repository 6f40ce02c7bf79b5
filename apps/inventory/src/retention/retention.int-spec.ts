import { DataSource } from 'typeorm';
import { InventoryConfig, RetentionConfig } from '../inventory.config';
import { createJob } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { TestClock } from '../testing/test-clock';
import { RetentionCounts } from './retention-run.entity';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/**
 * Retention on PostgreSQL with back-dated rows: each rule removes exactly what it should (and
 * what is just inside its limit stays), in batches, and replicas running it at once neither
 * double-count nor deadlock.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NONE: RetentionCounts = { jobs: 0, job_tasks: 0, cloud_services: 0, cloud_service_types: 0, regions: 0 };

describe('RetentionService on PostgreSQL', () => {
  let db: MigratedDatabase;
  let clock: TestClock;
  let serial = 0;

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });

  beforeEach(async () => {
    clock = new TestClock(new Date());
    for (const table of ['job', 'cloud_service', 'cloud_service_type', 'region', 'retention_run', 'collect_seen']) await db.dataSource.query(`DELETE FROM ${table}`);
  });

  afterAll(() => db.close());

  function configWith(retention: Partial<RetentionConfig> = {}): InventoryConfig {
    const base = testConfig();
    return { ...base, retention: { ...base.retention, ...retention } };
  }

  const serviceOn = (pool: DataSource, retention: Partial<RetentionConfig> = {}) =>
    new RetentionService(configWith(retention), pool, new RetentionRepository(pool), clock);

  const ago = (ms: number) => new Date(clock.now().getTime() - ms);

  /** A job of `tasks` tasks created `age` ago, ended unless `running`; returns its id. */
  async function jobAged(age: number, tasks: number, running = false): Promise<string> {
    const job = await createJob(db.dataSource, { count: tasks, collectorId: `collector-${++serial}` });
    await db.dataSource.query(`UPDATE job SET created_at = $2 WHERE job_id = $1`, [job.jobId, ago(age)]);
    if (!running) {
      await db.dataSource.query(
        `UPDATE job SET status = 'SUCCESS', remained_tasks = 0, success_tasks = total_tasks, finished_at = created_at WHERE job_id = $1`,
        [job.jobId],
      );
      await db.dataSource.query(`UPDATE job_task SET status = 'SUCCESS' WHERE job_id = $1`, [job.jobId]);
      await db.dataSource.query(`DELETE FROM task_queue WHERE job_task_id IN (SELECT job_task_id FROM job_task WHERE job_id = $1)`, [job.jobId]);
    }
    return job.jobId;
  }

  async function cloudService(state: 'ACTIVE' | 'DISCONNECTED' | 'DELETED', deletedAgo: number | null, updatedAgo = 0): Promise<string> {
    const id = `cloud-svc-${(++serial).toString(16).padStart(12, '0')}`;
    await db.dataSource.query(
      `INSERT INTO cloud_service (cloud_service_id, domain_id, workspace_id, identity_key, cloud_service_type, cloud_service_group, provider, state, deleted_at, updated_at)
       VALUES ($1, 'domain-ret', 'ws-1', $1, 'Instance', 'EC2', 'aws', $2, $3, $4)`,
      [id, state, deletedAgo === null ? null : ago(deletedAgo), ago(updatedAgo)],
    );
    return id;
  }

  async function typeSeen(seenAgo: number, updatedBy = 'collector-1', state = 'ACTIVE'): Promise<string> {
    const id = `cloud-svc-type-${(++serial).toString(16).padStart(12, '0')}`;
    await db.dataSource.query(
      `INSERT INTO cloud_service_type (cloud_service_type_id, domain_id, workspace_id, identity_key, name, provider, "group", updated_by, updated_at, state)
       VALUES ($1, 'domain-ret', 'ws-1', $1, $1, 'aws', 'EC2', $2, $3, $4)`,
      [id, updatedBy, ago(seenAgo), state],
    );
    return id;
  }

  async function regionSeen(seenAgo: number, updatedBy = 'collector-1', state = 'ACTIVE'): Promise<string> {
    const id = `region-${(++serial).toString(16).padStart(12, '0')}`;
    await db.dataSource.query(
      `INSERT INTO region (region_id, domain_id, workspace_id, identity_key, region_code, provider, updated_by, updated_at, state)
       VALUES ($1, 'domain-ret', 'ws-1', $1, $1, 'aws', $2, $3, $4)`,
      [id, updatedBy, ago(seenAgo), state],
    );
    return id;
  }

  const ids = async (sql: string, values: unknown[] = []) => ((await db.dataSource.query(sql, values)) as { id: string }[]).map((row) => row.id).sort();

  it('deletes jobs older than RETENTION_JOB_DAYS that have ended, with their tasks and seen-rows, and nothing else', async () => {
    const old = await jobAged(61 * DAY, 3);
    const younger = await jobAged(59 * DAY, 2);
    const oldButRunning = await jobAged(61 * DAY, 1, true);
    const today = await jobAged(HOUR, 1);
    await db.dataSource.query(`INSERT INTO collect_seen (job_id, secret_id, cloud_service_id) VALUES ($1, 's', 'c'), ($2, 's', 'c')`, [old, younger]);
    // claim turns: an idle collector's from long ago goes; a recent one, and one with a task queued, stay
    await db.dataSource.query(
      `INSERT INTO task_claim_turn (domain_id, collector_id, claimed_at)
       SELECT 'domain-turns', 'collector-idle', $1::timestamptz UNION ALL SELECT 'domain-turns', 'collector-recent', $2::timestamptz
       UNION ALL SELECT domain_id, collector_id, $1::timestamptz FROM job WHERE job_id = $3`,
      [new Date(clock.now().getTime() - 61 * DAY), new Date(clock.now().getTime() - 59 * DAY), oldButRunning],
    );

    expect(await serviceOn(db.dataSource).sweep(clock.now())).toEqual({ ...NONE, jobs: 1, job_tasks: 3 });
    expect(await ids(`SELECT collector_id AS id FROM task_claim_turn`)).toEqual(
      ['collector-recent', (await db.dataSource.query(`SELECT collector_id FROM job WHERE job_id = $1`, [oldButRunning]))[0].collector_id].sort(),
    );
    expect(await ids(`SELECT job_id AS id FROM job`)).toEqual([younger, oldButRunning, today].sort());
    expect(await ids(`SELECT DISTINCT job_id AS id FROM job_task`)).toEqual([younger, oldButRunning, today].sort());
    expect(await ids(`SELECT job_id AS id FROM collect_seen`)).toEqual([younger]);
    // the running job's queue entry stays with it
    const [{ queued }] = await db.dataSource.query(`SELECT count(*)::int AS queued FROM task_queue`);
    expect(queued).toBe(1);
  });

  it('removes cloud services DELETED for more than RETENTION_DELETED_RESOURCE_DAYS for good, and nothing else', async () => {
    const gone = await cloudService('DELETED', 91 * DAY, 91 * DAY);
    const recent = await cloudService('DELETED', 89 * DAY, 89 * DAY);
    const stale = await cloudService('ACTIVE', null, 400 * DAY);
    const disconnected = await cloudService('DISCONNECTED', null, 200 * DAY);
    expect(await serviceOn(db.dataSource).sweep(clock.now())).toEqual({ ...NONE, cloud_services: 1 });
    expect(await ids(`SELECT cloud_service_id AS id FROM cloud_service`)).toEqual([recent, stale, disconnected].sort());
    expect(await ids(`SELECT cloud_service_id AS id FROM cloud_service WHERE cloud_service_id = $1`, [gone])).toEqual([]);
  });

  it('marks types and regions no collect saw for RETENTION_TYPE_HOURS / RETENTION_REGION_HOURS DELETED, except those written by hand', async () => {
    const staleType = await typeSeen(73 * HOUR);
    await typeSeen(71 * HOUR);
    await typeSeen(500 * HOUR, 'manual');
    const staleRegion = await regionSeen(49 * HOUR);
    await regionSeen(47 * HOUR);
    await regionSeen(500 * HOUR, 'manual');
    await regionSeen(100 * HOUR, 'collector-1', 'DELETED'); // already: not counted again

    expect(await serviceOn(db.dataSource).sweep(clock.now())).toEqual({ ...NONE, cloud_service_types: 1, regions: 1 });
    expect(await ids(`SELECT cloud_service_type_id AS id FROM cloud_service_type WHERE state = 'DELETED'`)).toEqual([staleType]);
    const [type] = await db.dataSource.query(`SELECT deleted_at FROM cloud_service_type WHERE cloud_service_type_id = $1`, [staleType]);
    expect(type.deleted_at).toEqual(clock.now());
    expect(await ids(`SELECT region_id AS id FROM region WHERE state = 'DELETED' AND deleted_at IS NOT NULL AND region_id = $1`, [staleRegion])).toEqual([staleRegion]);
    const [{ active }] = await db.dataSource.query(`SELECT count(*)::int AS active FROM region WHERE state = 'ACTIVE'`);
    expect(active).toBe(2);
  });

  it('leaves a rule at 0 off', async () => {
    await jobAged(400 * DAY, 1);
    await cloudService('DELETED', 400 * DAY);
    await typeSeen(400 * DAY);
    await regionSeen(400 * DAY);
    const off = serviceOn(db.dataSource, { jobDays: 0, deletedResourceDays: 0, typeHours: 0, regionHours: 0 });
    expect(await off.sweep(clock.now())).toEqual(NONE);
  });

  it('works in batches of RETENTION_BATCH_SIZE, each statement removing at most that many rows, until nothing is left', async () => {
    for (let i = 0; i < 30; i++) await jobAged(70 * DAY + i * HOUR, 2);
    for (let i = 0; i < 23; i++) await cloudService('DELETED', 100 * DAY);
    for (let i = 0; i < 15; i++) await typeSeen(100 * HOUR);
    const repository = new RetentionRepository(db.dataSource);
    const removedPerStatement: number[] = [];
    for (const method of ['deleteTasksOfOldJobs', 'deleteOldJobs', 'purgeDeletedCloudServices', 'expireUnseen'] as const) {
      const original = repository[method].bind(repository) as (...args: unknown[]) => Promise<number>;
      jest.spyOn(repository, method).mockImplementation(async (...args: unknown[]) => {
        const removed = await original(...args);
        removedPerStatement.push(removed);
        return removed;
      });
    }
    const service = new RetentionService(configWith({ batchSize: 7 }), db.dataSource, repository, clock);
    expect(await service.sweep(clock.now())).toEqual({ jobs: 30, job_tasks: 60, cloud_services: 23, cloud_service_types: 15, regions: 0 });
    expect(Math.max(...removedPerStatement)).toBe(7);
    // 60 tasks: 9 statements; 30 jobs: 5; 23 services: 4; 15 types: 3; regions: 1
    expect(removedPerStatement).toHaveLength(9 + 5 + 4 + 3 + 1);
    const [{ left }] = await db.dataSource.query(`SELECT (SELECT count(*) FROM job) + (SELECT count(*) FROM cloud_service)::int AS left`);
    expect(Number(left)).toBe(0);
  });

  it('two replicas at once: one runs it (the other finds it running or just run), and it runs again only after the interval', async () => {
    for (let i = 0; i < 5; i++) await jobAged(90 * DAY, 1);
    const pools = await Promise.all([db.connect(3), db.connect(3)]);
    const replicas = pools.map((pool) => serviceOn(pool, { intervalMinutes: 60 }));
    const runs = await Promise.all(replicas.map((replica) => replica.runIfDue()));
    expect(runs.filter((run) => run !== null)).toEqual([{ ...NONE, jobs: 5, job_tasks: 5 }]);
    const [last] = await db.dataSource.query(`SELECT * FROM retention_run`);
    expect(last).toMatchObject({ name: 'retention', last_removed: { ...NONE, jobs: 5, job_tasks: 5 } });
    expect(replicas.map((replica) => replica.owner)).toContain(last.last_owner);

    await jobAged(90 * DAY, 1);
    clock.advance(59 * 60_000);
    expect(await replicas[0].runIfDue()).toBeNull();
    clock.advance(60_000);
    expect(await replicas[1].runIfDue()).toEqual({ ...NONE, jobs: 1, job_tasks: 1 });
  });

  it('sweeps on two pools at the same moment remove each row once, and neither waits on the other for good', async () => {
    const pools = await Promise.all([db.connect(3), db.connect(3)]);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) await jobAged(80 * DAY, 3);
      for (let i = 0; i < 60; i++) await cloudService('DELETED', 100 * DAY);
      for (let i = 0; i < 30; i++) await typeSeen(100 * HOUR);
      for (let i = 0; i < 30; i++) await regionSeen(100 * HOUR);
      const sweeps = await Promise.all(pools.map((pool) => serviceOn(pool, { batchSize: 5 }).sweep(clock.now())));
      const keys = Object.keys(NONE) as (keyof RetentionCounts)[];
      const total = Object.fromEntries(keys.map((key) => [key, sweeps[0][key] + sweeps[1][key]]));
      expect(total).toEqual({ jobs: 40, job_tasks: 120, cloud_services: 60, cloud_service_types: 30, regions: 30 });
      const [{ left }] = await db.dataSource.query(
        `SELECT (SELECT count(*) FROM job) + (SELECT count(*) FROM cloud_service) + (SELECT count(*) FROM cloud_service_type WHERE state = 'ACTIVE')
              + (SELECT count(*) FROM region WHERE state = 'ACTIVE') AS left`,
      );
      expect(Number(left)).toBe(0);
    }
  });
});
