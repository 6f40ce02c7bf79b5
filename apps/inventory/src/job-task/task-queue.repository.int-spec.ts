import { Client } from 'pg';
import { createJob, JobFixture } from '../testing/fixtures';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { ClaimedTask, TASK_QUEUE_CHANNEL, TaskQueueRepository } from './task-queue.repository';
import { TaskStateRepository } from './task-state.repository';

const LEASE_SECONDS = 60;
const NO_QUOTA = { domainMaxRunning: 0 };

describe('TaskQueueRepository (the workers\' queue) against PostgreSQL', () => {
  let db: MigratedDatabase;
  let queue: TaskQueueRepository;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    queue = new TaskQueueRepository(db.dataSource);
  });

  afterAll(() => db.close());

  const queued = (job: JobFixture) => ({ job_id: job.jobId, domain_id: job.domainId, collector_id: job.collectorId, max_running: null });

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
      const got = await worker.claim(owner, batch, LEASE_SECONDS, NO_QUOTA);
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
    expect(await queue.claim('worker-a', 5, 1, NO_QUOTA)).toEqual([{ job_task_id: id, job_id: job.jobId, attempts: 1 }]);
    expect(await queue.claim('worker-b', 5, LEASE_SECONDS, NO_QUOTA)).toEqual([]);
    let again: ClaimedTask[] = [];
    while (again.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await queue.claim('worker-b', 5, LEASE_SECONDS, NO_QUOTA);
    }
    expect(again).toEqual([{ job_task_id: id, job_id: job.jobId, attempts: 2 }]);
    expect(await entry(id)).toMatchObject({ lease_owner: 'worker-b', attempts: 2 });
    expect(await queue.claim('worker-a', 5, LEASE_SECONDS, NO_QUOTA)).toEqual([]);
  });

  it('renews the leases a worker still holds and reports the ones it lost (taken over, or ended)', async () => {
    const job = await createJob(db.dataSource, { count: 3 });
    const [kept, takenOver, ended] = job.tasks.map((task) => task.job_task_id);
    await queueOnly([kept, takenOver, ended]);
    expect(await queue.claim('worker-a', 3, LEASE_SECONDS, NO_QUOTA)).toHaveLength(3);
    await db.dataSource.query(`UPDATE task_queue SET lease_expires_at = now() - interval '1 second' WHERE job_task_id = $1`, [takenOver]);
    expect(await queue.claim('worker-b', 3, LEASE_SECONDS, NO_QUOTA)).toEqual([{ job_task_id: takenOver, job_id: job.jobId, attempts: 2 }]);
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
    expect(await queue.claim('worker-a', 1, LEASE_SECONDS, NO_QUOTA)).toEqual([{ job_task_id: id, job_id: job.jobId, attempts: 1 }]);
    expect(await queue.release('worker-b', [id])).toBe(0);
    expect(await queue.claim('worker-b', 1, LEASE_SECONDS, NO_QUOTA)).toEqual([]);
    expect(await queue.release('worker-a', [id])).toBe(1);
    expect(await entry(id)).toMatchObject({ lease_owner: null, lease_expires_at: null, attempts: 0 });
    expect(await queue.claim('worker-b', 1, LEASE_SECONDS, NO_QUOTA)).toEqual([{ job_task_id: id, job_id: job.jobId, attempts: 1 }]);
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
        await queue.enqueue(manager, queued(job), ids);
        throw new Error('the job could not be created');
      });
      await expect(rolledBack).rejects.toThrow('the job could not be created');
      await db.dataSource.transaction((manager) => queue.enqueue(manager, queued(job), []));
      await listener.query('SELECT 1');
      expect(notifications).toBe(0);
      expect(await entry(ids[0])).toBeUndefined();

      await db.dataSource.transaction((manager) => queue.enqueue(manager, queued(job), ids));
      while (notifications === 0) await listener.query('SELECT 1');
      expect(notifications).toBe(1);
      await queueOnly(ids);
      expect((await claimAll(queue, 'worker-a', 5)).map((task) => task.job_task_id).sort()).toEqual([...ids].sort());
    } finally {
      await listener.end();
    }
  });

  describe('fair claims and caps', () => {
    /** Leases of a set of tasks that are held now. */
    const leased = async (ids: string[]) =>
      (await db.dataSource.query(`SELECT count(*)::int AS n FROM task_queue WHERE job_task_id = ANY($1) AND lease_expires_at >= now()`, [ids]))[0].n as number;
    const idsOf = (job: JobFixture) => job.tasks.map((task) => task.job_task_id);
    /** Ends claimed tasks (their queue entries go), as finished tasks leave the queue. */
    const finishTasks = (ids: string[]) => db.dataSource.query(`DELETE FROM task_queue WHERE job_task_id = ANY($1)`, [ids]);

    it("gives a domain's single task the next free slot ahead of another domain's 2,000 queued (and 4 running) tasks", async () => {
      const big = await createJob(db.dataSource, { count: 2000, domainId: 'domain-big' });
      await queueOnly(idsOf(big));
      const first = await queue.claim('worker-a', 4, LEASE_SECONDS, NO_QUOTA);
      expect(first.every((task) => task.job_id === big.jobId)).toBe(true);
      const small = await createJob(db.dataSource, { count: 1, domainId: 'domain-small' });
      // one slot frees: the small domain, with nothing running, gets it
      expect(await queue.claim('worker-a', 1, LEASE_SECONDS, NO_QUOTA)).toEqual([{ job_task_id: small.tasks[0].job_task_id, job_id: small.jobId, attempts: 1 }]);
      await queueOnly([]);
    });

    it('shares a claim of several slots across domains, fewest running first, then the oldest', async () => {
      const a = await createJob(db.dataSource, { count: 50, domainId: 'domain-a' });
      const b = await createJob(db.dataSource, { count: 50, domainId: 'domain-b' });
      const c = await createJob(db.dataSource, { count: 50, domainId: 'domain-c' });
      await queueOnly([...idsOf(a), ...idsOf(b), ...idsOf(c)]);
      await queue.claim('worker-a', 3, LEASE_SECONDS, NO_QUOTA).then((claimed) => expect(claimed).toHaveLength(3));
      // a round: one of each domain (each ran one), then again one of each
      const next = await queue.claim('worker-a', 6, LEASE_SECONDS, NO_QUOTA);
      const byDomain = (claimed: ClaimedTask[]) =>
        [a, b, c].map((job) => claimed.filter((task) => task.job_id === job.jobId).length);
      expect(byDomain(next)).toEqual([2, 2, 2]);
      await queueOnly([]);
    });

    it('lets the collectors of one domain take turns', async () => {
      const domainId = 'domain-turns';
      const heavy = await createJob(db.dataSource, { count: 100, domainId, collectorId: 'collector-heavy' });
      const light = await createJob(db.dataSource, { count: 2, domainId, collectorId: 'collector-light' });
      await queueOnly([...idsOf(heavy), ...idsOf(light)]);
      const claimed = await queue.claim('worker-a', 4, LEASE_SECONDS, NO_QUOTA);
      expect(claimed.filter((task) => task.job_id === light.jobId)).toHaveLength(2);
      await queueOnly([]);
    });

    it('serves the collectors of a domain in turn as slots free one at a time, not the oldest job first', async () => {
      const domainId = 'domain-round';
      const jobs: JobFixture[] = [];
      for (const name of ['first', 'second', 'third']) jobs.push(await createJob(db.dataSource, { count: 10, domainId, collectorId: `collector-${name}` }));
      await queueOnly(jobs.flatMap(idsOf));
      const served: number[] = [];
      for (let i = 0; i < 6; i++) {
        const [task] = await queue.claim('worker-a', 1, LEASE_SECONDS, NO_QUOTA);
        served.push(jobs.findIndex((job) => job.jobId === task.job_id));
        await finishTasks([task.job_task_id]); // one slot: its task ends before the next claim
      }
      expect(served).toEqual([0, 1, 2, 0, 1, 2]);
      await queueOnly([]);
    });

    it('gives a slot that frees to the collector with the fewest running tasks, not to the oldest job', async () => {
      const domainId = 'domain-one-by-one';
      const older = await createJob(db.dataSource, { count: 100, domainId, collectorId: 'collector-older' });
      await queueOnly(idsOf(older));
      expect(await queue.claim('worker-a', 3, LEASE_SECONDS, NO_QUOTA)).toHaveLength(3);
      const newer = await createJob(db.dataSource, { count: 100, domainId, collectorId: 'collector-newer' });
      await queueOnly([...idsOf(older), ...idsOf(newer)]);
      // slots free one at a time (as tasks end): the newer collector catches up to three running,
      // then the two take turns, the older first
      const oneByOne: ClaimedTask[] = [];
      for (let i = 0; i < 5; i++) oneByOne.push(...(await queue.claim('worker-a', 1, LEASE_SECONDS, NO_QUOTA)));
      expect(oneByOne.map((task) => (task.job_id === newer.jobId ? 'newer' : 'older'))).toEqual(['newer', 'newer', 'newer', 'older', 'newer']);
      await queueOnly([]);
    });

    it("never runs more of a collector's tasks than its cap, whatever many workers claim at once (8 pools, 24 claimers)", async () => {
      const capped = await createJob(db.dataSource, { count: 200, domainId: 'domain-capped', maxRunning: 3 });
      const other = await createJob(db.dataSource, { count: 60, domainId: 'domain-capped' });
      await queueOnly([...idsOf(capped), ...idsOf(other)]);
      const pools = await Promise.all(Array.from({ length: 8 }, () => db.connect(3)));
      const workers = pools.map((pool) => new TaskQueueRepository(pool));
      let mostRunning = 0;
      let claimedCapped = 0;
      // rounds: everyone claims at once, the capped leases are counted, then the claimed tasks finish
      for (let round = 0; round < 6; round++) {
        const claims = await Promise.all(
          workers.flatMap((worker, w) => [0, 1, 2].map((c) => worker.claim(`worker-${w}-${c}`, 2, LEASE_SECONDS, NO_QUOTA))),
        );
        const running = await leased(idsOf(capped));
        mostRunning = Math.max(mostRunning, running);
        const mine = claims.flat().filter((task) => task.job_id === capped.jobId);
        claimedCapped += mine.length;
        expect(running).toBe(3);
        await finishTasks(claims.flat().map((task) => task.job_task_id));
      }
      expect(mostRunning).toBe(3);
      expect(claimedCapped).toBe(18);
      await queueOnly([]);
    });

    it("holds each domain's quota across its collectors, and counts a dead worker's expired lease as free", async () => {
      const domainId = 'domain-quota';
      const one = await createJob(db.dataSource, { count: 10, domainId, collectorId: 'collector-q1' });
      const two = await createJob(db.dataSource, { count: 10, domainId, collectorId: 'collector-q2' });
      const elsewhere = await createJob(db.dataSource, { count: 10, domainId: 'domain-free' });
      await queueOnly([...idsOf(one), ...idsOf(two), ...idsOf(elsewhere)]);
      const quota = { domainMaxRunning: 3 };
      const claimed = await queue.claim('worker-a', 10, LEASE_SECONDS, quota);
      const inDomain = claimed.filter((task) => task.job_id !== elsewhere.jobId);
      expect(inDomain).toHaveLength(3);
      // the quota holds for every domain: the other one gets its own 3
      expect(claimed.filter((task) => task.job_id === elsewhere.jobId)).toHaveLength(3);
      expect(await queue.claim('worker-b', 10, LEASE_SECONDS, quota).then((more) => more.filter((task) => task.job_id !== elsewhere.jobId))).toEqual([]);
      // the worker holding one of them dies: once its lease expires, that place is free again
      await db.dataSource.query(`UPDATE task_queue SET lease_expires_at = now() - interval '1 second' WHERE job_task_id = $1`, [inDomain[0].job_task_id]);
      const again = await queue.claim('worker-b', 10, LEASE_SECONDS, quota);
      expect(again.filter((task) => task.job_id !== elsewhere.jobId)).toHaveLength(1);
      await queueOnly([]);
    });
  });
});
