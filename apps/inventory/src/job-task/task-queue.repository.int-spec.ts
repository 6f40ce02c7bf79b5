import { Client } from 'pg';
import { createJob } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { ClaimedTask, TASK_QUEUE_CHANNEL, TaskQueueRepository } from './task-queue.repository';
import { TaskStateRepository } from './task-state.repository';

const LEASE_SECONDS = 60;

describe('TaskQueueRepository (the workers\' queue) against PostgreSQL', () => {
  let db: MigratedDatabase;
  let queue: TaskQueueRepository;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    queue = new TaskQueueRepository(db.dataSource);
  });

  afterAll(() => db.close());

  /** Leaves only the given tasks in the queue, so that each test claims its own. */
  async function queueOnly(ids: string[]): Promise<void> {
    await db.dataSource.query(`DELETE FROM task_queue WHERE NOT (job_task_id = ANY($1))`, [ids]);
  }

  async function entry(id: string) {
    const [row] = await db.dataSource.query(`SELECT * FROM task_queue WHERE job_task_id = $1`, [id]);
    return row as { lease_owner: string | null; lease_expires_at: Date | null; attempts: number } | undefined;
  }

  /** Claims of one worker until the queue has nothing ready for it. */
  async function claimAll(worker: TaskQueueRepository, owner: string, batch: number): Promise<ClaimedTask[]> {
    const claimed: ClaimedTask[] = [];
    for (;;) {
      const got = await worker.claim(owner, batch, LEASE_SECONDS);
      if (got.length === 0) return claimed;
      claimed.push(...got);
    }
  }

  it('never hands one task to two workers: 4 pools, 3 claimers each, claiming 300 tasks at once', async () => {
    const job = await createJob(db.dataSource, { count: 300 });
    const ids = job.tasks.map((task) => task.job_task_id);
    await queueOnly(ids);
    const pools = await Promise.all([1, 2, 3, 4].map(() => db.connect(4)));
    const claimers = pools.flatMap((pool, p) => [0, 1, 2].map((c) => claimAll(new TaskQueueRepository(pool), `worker-${p}-${c}`, 7)));
    const claims = await Promise.all(claimers);

    const all = claims.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all.map((task) => task.job_task_id))).toEqual(new Set(ids));
    expect(all.every((task) => task.attempts === 1)).toBe(true);
    // the work was shared: more than one claimer got some
    expect(claims.filter((claimed) => claimed.length > 0).length).toBeGreaterThan(1);
    const owners = await db.dataSource.query(
      `SELECT count(DISTINCT lease_owner)::int AS owners, count(*) FILTER (WHERE lease_expires_at > now())::int AS leased FROM task_queue WHERE job_task_id = ANY($1)`,
      [ids],
    );
    expect(owners[0]).toEqual({ owners: claims.filter((claimed) => claimed.length > 0).length, leased: 300 });
  });

  it('claims a task again once its lease expired (its worker died), counting the attempt', async () => {
    const job = await createJob(db.dataSource, { count: 1 });
    const id = job.tasks[0].job_task_id;
    await queueOnly([id]);
    expect(await queue.claim('worker-a', 5, 1)).toEqual([{ job_task_id: id, attempts: 1 }]);
    expect(await queue.claim('worker-b', 5, LEASE_SECONDS)).toEqual([]);
    let again: ClaimedTask[] = [];
    while (again.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await queue.claim('worker-b', 5, LEASE_SECONDS);
    }
    expect(again).toEqual([{ job_task_id: id, attempts: 2 }]);
    expect(await entry(id)).toMatchObject({ lease_owner: 'worker-b', attempts: 2 });
    expect(await queue.claim('worker-a', 5, LEASE_SECONDS)).toEqual([]);
  });

  it('renews the leases a worker still holds and reports the ones it lost (taken over, or ended)', async () => {
    const job = await createJob(db.dataSource, { count: 3 });
    const [kept, takenOver, ended] = job.tasks.map((task) => task.job_task_id);
    await queueOnly([kept, takenOver, ended]);
    expect(await queue.claim('worker-a', 3, LEASE_SECONDS)).toHaveLength(3);
    await db.dataSource.query(`UPDATE task_queue SET lease_expires_at = now() - interval '1 second' WHERE job_task_id = $1`, [takenOver]);
    expect(await queue.claim('worker-b', 3, LEASE_SECONDS)).toEqual([{ job_task_id: takenOver, attempts: 2 }]);
    const states = new TaskStateRepository(db.dataSource, testConfig());
    await db.dataSource.transaction((manager) => states.end(manager, ended, { status: 'SUCCESS', leaseOwner: 'worker-a' }));
    await db.dataSource.query(`UPDATE task_queue SET lease_expires_at = now() + interval '5 seconds' WHERE job_task_id = $1`, [kept]);

    expect((await queue.renew('worker-a', [kept, takenOver, ended], LEASE_SECONDS)).sort()).toEqual([takenOver, ended].sort());
    const renewed = await entry(kept);
    expect(renewed?.lease_owner).toBe('worker-a');
    expect(renewed!.lease_expires_at!.getTime() - Date.now()).toBeGreaterThan(30_000);
    expect(await entry(takenOver)).toMatchObject({ lease_owner: 'worker-b' });
    expect(await queue.renew('worker-a', [], LEASE_SECONDS)).toEqual([]);
  });

  it('hands a released task back at once, without counting the attempt; only its holder can release it', async () => {
    const job = await createJob(db.dataSource, { count: 1 });
    const id = job.tasks[0].job_task_id;
    await queueOnly([id]);
    expect(await queue.claim('worker-a', 1, LEASE_SECONDS)).toEqual([{ job_task_id: id, attempts: 1 }]);
    await queue.release('worker-b', id);
    expect(await queue.claim('worker-b', 1, LEASE_SECONDS)).toEqual([]);
    await queue.release('worker-a', id);
    expect(await entry(id)).toMatchObject({ lease_owner: null, lease_expires_at: null, attempts: 0 });
    expect(await queue.claim('worker-b', 1, LEASE_SECONDS)).toEqual([{ job_task_id: id, attempts: 1 }]);
  });

  it('queues tasks in the caller\'s transaction, and wakes the listening workers when it commits, not before, not on rollback', async () => {
    const listener = new Client({ connectionString: db.database.url });
    await listener.connect();
    try {
      let notifications = 0;
      listener.on('notification', (message) => {
        if (message.channel === TASK_QUEUE_CHANNEL) notifications += 1;
      });
      await listener.query(`LISTEN ${TASK_QUEUE_CHANNEL}`);
      const job = await createJob(db.dataSource, { count: 2 });
      const ids = job.tasks.map((task) => task.job_task_id);
      await db.dataSource.query(`DELETE FROM task_queue WHERE job_task_id = ANY($1)`, [ids]);

      const rolledBack = db.dataSource.transaction(async (manager) => {
        await queue.enqueue(manager, ids);
        throw new Error('the job could not be created');
      });
      await expect(rolledBack).rejects.toThrow('the job could not be created');
      await db.dataSource.transaction((manager) => queue.enqueue(manager, []));
      await listener.query('SELECT 1');
      expect(notifications).toBe(0);
      expect(await entry(ids[0])).toBeUndefined();

      await db.dataSource.transaction((manager) => queue.enqueue(manager, ids));
      while (notifications === 0) await listener.query('SELECT 1');
      expect(notifications).toBe(1);
      await queueOnly(ids);
      expect((await claimAll(queue, 'worker-a', 5)).map((task) => task.job_task_id).sort()).toEqual([...ids].sort());
    } finally {
      await listener.end();
    }
  });
});
