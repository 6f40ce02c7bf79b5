import { setTimeout as sleep } from 'node:timers/promises';
import { inventoryInvariantViolations, JsonRecord, waitFor } from '@cloud-inventory/testing';
import { FaultStack } from './fault-stack';
import { FAULT_RUNS, FAULT_SEED, FULL, LEASE_SECONDS, mulberry32, runsOf } from './fault-runs';

/**
 * The fault suite (issue 11): real processes on a real PostgreSQL, broken on purpose while a job
 * runs. Every run checks that the job reaches a final status, that nothing of it is left PENDING or
 * IN_PROGRESS (or queued), and that the database keeps every invariant (counters equal what is
 * stored, no resource stored twice; libs/testing's inventoryInvariantViolations), plus what the
 * scenario itself promises. `npm test` makes one run of each; `npm run test:faults` (FAULTS=full)
 * makes many, at random points drawn from FAULT_SEED, with the workers' default lease and polling.
 */

const OPEN = ['PENDING', 'IN_PROGRESS'];

describe(`the fault suite (${FULL ? 'full' : 'quick'}, FAULT_SEED=${FAULT_SEED})`, () => {
  let stack: FaultStack;
  let serial = 0;

  beforeAll(async () => {
    // the full suite keeps the workers' defaults (lease 60 s, poll 1 s); the quick one a short lease
    const workerEnv: Record<string, string> = FULL ? {} : { TASK_LEASE_SECONDS: String(LEASE_SECONDS) };
    stack = await FaultStack.start({
      replicas: 3,
      inventoryEnv: {
        ...workerEnv,
        // a plugin that sends nothing for 3 s is cut off (scenario 3); the default is 5 minutes
        COLLECT_IDLE_TIMEOUT_SECONDS: '3',
        // schedules go by the stack's clock file (scenario 6), every replica fires them and looks every second
        SCHEDULER_POLL_SECONDS: '1',
      },
    });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  // whatever an earlier run did: three replicas and both plugins up
  beforeEach(async () => {
    await stack.replaceDeadReplicas();
    await stack.restartCollectorPlugin();
    await stack.restartStoragePlugin();
  }, 300_000);

  /** A secret (an account of its own: resources no other run has) and a collector of the synthetic plugin. */
  async function createCollector(options: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    serial += 1;
    const secret = await stack.grpc.call('Secret', 'create', {
      name: `faults ${serial}`,
      provider: 'synthetic',
      data: { account_id: String(600_000_000_000 + serial) },
    });
    const collector = await stack.grpc.call('Collector', 'create', {
      name: `faults ${serial}`,
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { include_types: false, seed: serial, ...options } },
      secret_filter: { state: 'ENABLED', secrets: [secret['secret_id']] },
      ...extra,
    });
    return collector['collector_id'];
  }

  async function collect(collectorId: string): Promise<string> {
    return (await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }))['job_id'];
  }

  const tasksOf = (jobId: string) =>
    stack.sql(
      `SELECT t.job_task_id, t.status, t.created_count, t.errors, q.lease_owner, q.attempts
         FROM job_task t LEFT JOIN task_queue q ON q.job_task_id = t.job_task_id
        WHERE t.job_id = $1 ORDER BY t.job_task_id`,
      [jobId],
    );

  /** Waits (through database restarts) until the job has a final status; returns the job's row. */
  async function finalJob(jobId: string): Promise<JsonRecord> {
    try {
      return await waitFor(
        `job ${jobId} to reach a final status`,
        async () => {
          const [job] = await stack.sql(`SELECT * FROM job WHERE job_id = $1`, [jobId]);
          return job && job['status'] !== 'IN_PROGRESS' ? job : undefined;
        },
        240_000,
        200,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\ntasks: ${JSON.stringify(await tasksOf(jobId).catch(() => []))}\n${stack.logs()}`, { cause: error });
    }
  }

  /** Waits until the job's task number `index` runs and has written at least `written` resources; returns it. */
  async function runningTask(jobId: string, written: number, index = 0): Promise<JsonRecord> {
    return waitFor(
      `task ${index} of job ${jobId} to write ${written} resource(s)`,
      async () => {
        const task = (await tasksOf(jobId))[index];
        return task && task['status'] === 'IN_PROGRESS' && task['lease_owner'] && task['created_count'] >= written ? task : undefined;
      },
      120_000,
      50,
    );
  }

  /**
   * What every run must leave: the job final, none of its tasks open or queued, and no invariant of
   * the database broken that held before the run (a failed earlier run does not fail this one).
   */
  async function checkRun(jobId: string, violationsBefore: string[]): Promise<JsonRecord> {
    const job = await finalJob(jobId);
    const tasks = await tasksOf(jobId);
    expect(tasks.filter((task) => OPEN.includes(task['status']) || task['lease_owner'] !== null || task['attempts'] !== null)).toEqual([]);
    expect(job).toMatchObject({ remained_tasks: 0, total_tasks: tasks.length });
    expect(job['success_tasks'] + job['failure_tasks']).toBe(tasks.length);
    const violations = await inventoryInvariantViolations(stack.databaseUrl);
    expect(violations.filter((violation) => !violationsBefore.includes(violation))).toEqual([]);
    return job;
  }

  async function storedOf(collectorId: string): Promise<{ state: string; n: number }[]> {
    return stack.sql(`SELECT state, count(*)::int AS n FROM cloud_service WHERE collector_id = $1 GROUP BY state ORDER BY state`, [collectorId]);
  }

  const errorCodes = (tasks: JsonRecord[]) => tasks.flatMap((task) => (task['errors'] as { error_code: string }[]).map((error) => error.error_code));

  describe('1. SIGKILL one of three inventory replicas in the middle of a task', () => {
    const COUNT = 60;
    const TASKS = 3;
    // 20 resources a task, 10 a second: a kill point well inside every task
    it.each(runsOf(FAULT_RUNS.replicaKill))('run %i', async (run) => {
      const random = mulberry32(FAULT_SEED * 100 + 1 * 10_000 + run);
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      const collectorId = await createCollector({ count: COUNT, tasks: TASKS, delay_ms: 100 });
      const jobId = await collect(collectorId);
      // a random task, killed once it has written a random share of its resources
      const part = Math.floor(random() * TASKS);
      const written = Math.floor(random() * ((COUNT / TASKS) * 0.6));
      const target = await runningTask(jobId, written, part);
      const owner = target['lease_owner'] as string;
      const replica = stack.replicaOf(owner);
      if (!replica) throw new Error(`no replica runs the worker ${owner}`);
      const killedAt = Date.now();
      await replica.kill();

      // another replica takes the task over once its lease has expired
      const rerun = await waitFor(
        `task ${target['job_task_id']} to run again`,
        async () => {
          const [row] = await stack.sql(`SELECT lease_owner FROM task_queue WHERE job_task_id = $1`, [target['job_task_id']]);
          return row === undefined || (row['lease_owner'] !== null && row['lease_owner'] !== owner) ? Date.now() : undefined;
        },
        180_000,
        100,
      );
      const job = await checkRun(jobId, before);
      expect(job['status']).toBe('SUCCESS');
      expect(await storedOf(collectorId)).toEqual([{ state: 'ACTIVE', n: COUNT }]);
      // within the lease (60 s by default) of the kill
      if (FULL) console.info(`scenario 1, run ${run}: ${written} resource(s) written, task ran again ${rerun - killedAt} ms after the kill`);
      expect(rerun - killedAt).toBeLessThanOrEqual(LEASE_SECONDS * 1000);
      // the two others carried on
      expect(stack.live()).toHaveLength(2);
    }, 600_000);
  });

  describe('2. SIGKILL the collector plugin mid-stream, then start it again', () => {
    const COUNT = 60;
    it.each(runsOf(FAULT_RUNS.pluginKill))('run %i', async (run) => {
      const random = mulberry32(FAULT_SEED * 100 + 2 * 10_000 + run);
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      const collectorId = await createCollector({ count: COUNT, delay_ms: 100 });
      const jobId = await collect(collectorId);
      await runningTask(jobId, 1 + Math.floor(random() * (COUNT / 2)));
      await stack.collectorPlugin.kill();

      const job = await checkRun(jobId, before);
      expect(job['status']).toBe('FAILURE');
      expect(errorCodes(await tasksOf(jobId))).toEqual(['ERROR_COLLECTOR_PLUGIN']);
      const partial = await storedOf(collectorId);
      expect(partial).toEqual([{ state: 'ACTIVE', n: expect.any(Number) }]);
      expect(partial[0].n).toBeLessThan(COUNT);

      // started again on the same address: the next collect finds it and completes what the first began
      await stack.restartCollectorPlugin();
      const again = await collect(collectorId);
      expect((await checkRun(again, before))['status']).toBe('SUCCESS');
      expect(await storedOf(collectorId)).toEqual([{ state: 'ACTIVE', n: COUNT }]);
    }, 600_000);
  });

  describe('3. a collector plugin that hangs before its first message, and one that stalls mid-stream', () => {
    it.each(runsOf(FAULT_RUNS.hang))('hangs before the first message: the stream is cut off at the idle timeout, run %i', async () => {
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      const collectorId = await createCollector({ count: 20, hang_before_first_ms: 3_600_000 });
      const jobId = await collect(collectorId);
      const job = await checkRun(jobId, before);
      expect(job['status']).toBe('FAILURE');
      const tasks = await tasksOf(jobId);
      expect(tasks.map((task) => task['status'])).toEqual(['TIMEOUT']);
      expect(errorCodes(tasks)).toEqual(['ERROR_COLLECT_IDLE']);
      expect(await storedOf(collectorId)).toEqual([]);
    }, 600_000);

    it.each(runsOf(FAULT_RUNS.stall))('stalls mid-stream: cut off at the idle timeout, what it sent before is kept, run %i', async (run) => {
      const random = mulberry32(FAULT_SEED * 100 + 3 * 10_000 + run);
      const stallAfter = 1 + Math.floor(random() * 30);
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      const collectorId = await createCollector({ count: 40, stall_after: stallAfter, stall_ms: 3_600_000 });
      const jobId = await collect(collectorId);
      const job = await checkRun(jobId, before);
      expect(job['status']).toBe('FAILURE');
      const tasks = await tasksOf(jobId);
      expect(tasks.map((task) => [task['status'], task['created_count']])).toEqual([['TIMEOUT', stallAfter]]);
      expect(errorCodes(tasks)).toEqual(['ERROR_COLLECT_IDLE']);
      expect(await storedOf(collectorId)).toEqual([{ state: 'ACTIVE', n: stallAfter }]);
    }, 600_000);
  });

  describe('4. PostgreSQL stopped and started again in the middle of a job', () => {
    const COUNT = 60;
    it.each(runsOf(FAULT_RUNS.postgres))('run %i', async (run) => {
      const random = mulberry32(FAULT_SEED * 100 + 4 * 10_000 + run);
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      const collectorId = await createCollector({ count: COUNT, tasks: 2, delay_ms: 100 });
      const jobId = await collect(collectorId);
      await runningTask(jobId, Math.floor(random() * 15));
      await stack.stopPostgres();
      // down for 0.5 to 3 s: long enough for batches, renewals and claims to fail
      await sleep(500 + Math.floor(random() * 2500));
      await stack.startPostgres();

      const job = await checkRun(jobId, before);
      expect(job['status']).toBe('SUCCESS');
      expect(await storedOf(collectorId)).toEqual([{ state: 'ACTIVE', n: COUNT }]);
      // every replica lived through it
      expect(stack.live()).toHaveLength(3);
    }, 600_000);
  });

  describe('5. the storage plugin down for the whole job', () => {
    it.each(runsOf(FAULT_RUNS.storageDown))('run %i', async () => {
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      const collectorId = await createCollector({ count: 30, storage_plugin: { plugin_id: 'file-storage', options: {} } });
      await stack.storagePlugin.kill();
      const jobId = await collect(collectorId);
      const job = await checkRun(jobId, before);
      expect(job['status']).toBe('FAILURE');
      const tasks = await tasksOf(jobId);
      expect(tasks.map((task) => task['status'])).toEqual(['FAILURE']);
      expect(errorCodes(tasks)).toEqual(['ERROR_STORAGE_PLUGIN']);
      // what was written before the export failed stays, counted; nothing was disconnected
      expect(await storedOf(collectorId)).toEqual([{ state: 'ACTIVE', n: 30 }]);
    }, 600_000);
  });

  describe('6. replicas racing for the same schedule slot (the injectable clock): one job', () => {
    const HOUR = 3_600_000;
    it.each(runsOf(FAULT_RUNS.scheduleRace))('run %i', async (run) => {
      const before = await inventoryInvariantViolations(stack.databaseUrl);
      // a slot of its own for each run: hour `run` of tomorrow (UTC), near the real date
      const day = new Date();
      day.setUTCHours(24, 0, 0, 0);
      const slot = new Date(day.getTime() + run * HOUR);
      stack.setClock(new Date(slot.getTime() - HOUR / 2));
      const collectorId = await createCollector({ count: 5 }, { schedule: { state: 'ENABLED', hours: [slot.getUTCHours()] } });
      // every replica sees the slot due at once
      stack.setClock(new Date(slot.getTime() + 1000));
      await waitFor(
        `collector ${collectorId}'s slot to be handled`,
        async () => {
          const next = (await stack.grpc.call('Collector', 'get', { collector_id: collectorId }))['schedule_status']['next_run_at'];
          return next && new Date(next) > slot ? true : undefined;
        },
        120_000,
      );
      const jobs = await stack.sql(`SELECT job_id FROM job WHERE collector_id = $1`, [collectorId]);
      expect(jobs).toHaveLength(1);
      expect((await checkRun(jobs[0]['job_id'], before))['status']).toBe('SUCCESS');
      await stack.grpc.call('Collector', 'update', { collector_id: collectorId, schedule: { state: 'DISABLED', hours: [slot.getUTCHours()] } });
    }, 600_000);
  });
});
