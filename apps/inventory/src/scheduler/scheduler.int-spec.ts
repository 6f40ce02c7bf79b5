import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { inventoryProtoJson } from '../common/proto-http';
import { InventoryConfig } from '../inventory.config';
import { CollectStack, collectStackOn, createSecret, registerCollectorPlugin } from '../testing/collect-stack';
import { InProcessPlugins, startInProcessPlugins } from '../testing/in-process-plugins';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { TestClock } from '../testing/test-clock';
import { SchedulerService, SLOT_CLAIM_MS, SlotOutcome } from './scheduler.service';

/**
 * Collectors' schedules firing on PostgreSQL, with a clock the tests move: hours and cron slots
 * (time zones, DST), disabled schedules, catch-up after downtime, skipped slots, failed starts,
 * claims taken over after a scheduler died, and schedulers on separate pools racing for slots.
 */

const DOMAIN = 'domain-sched';
const SCOPE = { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' } as const;
const PLUGIN = 'inproc-collector';
const HOUR = 3_600_000;
const MINUTE = 60_000;

const until = async (condition: () => boolean | Promise<boolean>) => {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('SchedulerService on PostgreSQL', () => {
  let db: MigratedDatabase;
  let plugins: InProcessPlugins;
  let config: InventoryConfig;
  let clock: TestClock;
  let stack: CollectStack;
  let scheduler: SchedulerService;
  const stacks: CollectStack[] = [];
  let serial = 0;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    plugins = await startInProcessPlugins();
    const base = testConfig();
    // ticks are driven by the tests; the loop is tested on its own below
    config = { ...base, pluginCallDeadlineMs: 10_000, scheduler: { ...base.scheduler, enabled: false } };
    clock = new TestClock('2025-03-28T10:30:00Z');
    stack = collectStackOn(db.dataSource, config, clock);
    stacks.push(stack);
    scheduler = new SchedulerService(config, stack.collectors, stack.collects, clock);
    await registerCollectorPlugin(db.dataSource, PLUGIN, plugins.endpoint);
  });

  beforeEach(() => clock.set('2025-03-28T10:30:00Z'));

  afterEach(async () => {
    await db.dataSource.query(`DELETE FROM collector`);
    await db.dataSource.query(`DELETE FROM job`);
  });

  afterAll(async () => {
    for (const s of stacks) s.clients.onApplicationShutdown();
    await plugins.close();
    await db.close();
  });

  const decode = <T>(type: string, json: Record<string, unknown>) => inventoryProtoJson().decode<T>(`spaceone.api.inventory.v1.${type}`, json);

  /** A collector of the in-process plugin with `schedule`, created at the clock's time; `secret`: one secret, so its jobs stay IN_PROGRESS. */
  async function createCollector(schedule: Record<string, unknown>, options: { secret?: boolean; on?: CollectStack } = {}) {
    const provider = `provider-${++serial}`;
    if (options.secret) await createSecret(stack, DOMAIN, provider);
    return (options.on ?? stack).collectorService.create(
      decode<inventoryV1.CreateCollectorRequest>('CreateCollectorRequest', {
        name: `scheduled ${serial}`,
        provider,
        plugin_info: { plugin_id: PLUGIN, options: {} },
        schedule,
      }),
      SCOPE,
    );
  }

  const jobsOf = async (collectorId: string): Promise<{ job_id: string; trigger: string; scheduled_at: Date; status: string }[]> =>
    db.dataSource.query(`SELECT job_id, trigger, scheduled_at, status FROM job WHERE collector_id = $1 ORDER BY created_at, job_id`, [collectorId]);
  const slotsOf = async (collectorId: string) => (await jobsOf(collectorId)).map((job) => job.scheduled_at.toISOString());
  const statusOf = async (collectorId: string) => (await stack.collectorService.get(collectorId, SCOPE)).schedule_status!;
  const tickAt = (at: string) => {
    clock.set(at);
    return scheduler.tick();
  };
  const endJobs = (collectorId: string) =>
    db.dataSource.query(
      `UPDATE job SET status = 'SUCCESS', remained_tasks = 0, success_tasks = total_tasks, failure_tasks = 0, finished_at = now()
        WHERE collector_id = $1 AND status = 'IN_PROGRESS'`,
      [collectorId],
    );

  it('fires an hours schedule once at each due UTC hour: a SCHEDULE job that names its slot, then the next slot planned', async () => {
    const collector = await createCollector({ state: 'ENABLED', hours: [17, 5] });
    expect(collector.schedule).toEqual({ state: 'ENABLED', hours: [5, 17], cron: '', timezone: '' });
    expect(collector.schedule_status).toMatchObject({ next_run_at: '2025-03-28T17:00:00.000Z', skipped_count: 0, last_job_id: '' });
    expect(await stack.collectors.nextScheduledSlot()).toEqual(new Date('2025-03-28T17:00:00Z'));

    expect(await tickAt('2025-03-28T16:59:59.999Z')).toEqual([]);
    const [fired] = await tickAt('2025-03-28T17:00:00Z');
    expect(fired).toMatchObject({ collector_id: collector.collector_id, result: 'started', recorded: true, slot: new Date('2025-03-28T17:00:00Z') });
    expect(await tickAt('2025-03-28T17:00:30Z')).toEqual([]);
    const [job] = await jobsOf(collector.collector_id);
    expect(job).toMatchObject({ job_id: fired.job_id, trigger: 'SCHEDULE', scheduled_at: new Date('2025-03-28T17:00:00Z') });
    expect(await statusOf(collector.collector_id)).toEqual({
      next_run_at: '2025-03-29T05:00:00.000Z',
      last_run_at: '2025-03-28T17:00:00.000Z',
      last_job_id: fired.job_id,
      skipped_count: 0,
      last_skipped_at: '',
      last_error: '',
    });

    await tickAt('2025-03-29T05:00:20Z');
    expect(await slotsOf(collector.collector_id)).toEqual(['2025-03-28T17:00:00.000Z', '2025-03-29T05:00:00.000Z']);
    // the job says how it was started, and the query language finds scheduled jobs by it
    const query = { filter: [{ k: 'trigger', v: 'SCHEDULE', o: 'eq' }], only: ['job_id', 'trigger', 'scheduled_at'], sort: [{ key: 'scheduled_at' }] };
    const { results } = await stack.jobs.search(query, SCOPE);
    expect(results).toEqual([
      { job_id: fired.job_id, trigger: 'SCHEDULE', scheduled_at: '2025-03-28T17:00:00.000Z' },
      { job_id: expect.stringMatching(/^job-/), trigger: 'SCHEDULE', scheduled_at: '2025-03-29T05:00:00.000Z' },
    ]);
  });

  it('fires a cron schedule in its time zone, across both DST changes (a local time in the gap runs after it, a repeated one once)', async () => {
    clock.set('2025-03-29T12:00:00Z');
    const spring = await createCollector({ state: 'ENABLED', cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    // 02:30 does not exist in Berlin on 30 March 2025: the first time after the gap, 03:00 CEST
    expect(spring.schedule_status!.next_run_at).toBe('2025-03-30T01:00:00.000Z');
    await tickAt('2025-03-30T01:00:00Z');
    expect((await statusOf(spring.collector_id)).next_run_at).toBe('2025-03-31T00:30:00.000Z'); // 02:30 CEST
    await tickAt('2025-03-31T00:30:00Z');
    expect(await slotsOf(spring.collector_id)).toEqual(['2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z']);

    clock.set('2025-10-25T12:00:00Z');
    const autumn = await createCollector({ state: 'ENABLED', cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    expect(autumn.schedule_status!.next_run_at).toBe('2025-10-26T00:30:00.000Z'); // 02:30 CEST, the first of the two
    await tickAt('2025-10-26T00:30:00Z');
    await tickAt('2025-10-26T01:30:00Z'); // 02:30 CET, the same local time again: not a slot
    expect((await statusOf(autumn.collector_id)).next_run_at).toBe('2025-10-27T01:30:00.000Z');
    await tickAt('2025-10-27T01:30:00Z');
    expect(await slotsOf(autumn.collector_id)).toEqual(['2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);

    clock.set('2025-06-02T12:00:00Z');
    const newYork = await createCollector({ state: 'ENABLED', cron: '0 9 * * 1-5', timezone: 'America/New_York' });
    expect(newYork.schedule_status!.next_run_at).toBe('2025-06-02T13:00:00.000Z'); // 09:00 EDT
  });

  it('never fires a disabled schedule, one disabled after its slot was planned, or an enabled one with neither hours nor cron', async () => {
    const disabled = await createCollector({ state: 'DISABLED', hours: [11] });
    expect(disabled.schedule_status!.next_run_at).toBe('');
    const empty = await createCollector({ state: 'ENABLED' });
    expect(empty.schedule_status!.next_run_at).toBe('');
    const updated = await createCollector({ state: 'ENABLED', hours: [11] });
    expect(updated.schedule_status!.next_run_at).toBe('2025-03-28T11:00:00.000Z');
    const raced = await createCollector({ state: 'ENABLED', hours: [11] });

    clock.set('2025-03-28T10:45:00Z');
    const afterUpdate = await stack.collectorService.update(
      decode('UpdateCollectorRequest', { collector_id: updated.collector_id, schedule: { state: 'DISABLED', hours: [11] } }),
      SCOPE,
    );
    expect(afterUpdate.schedule_status!.next_run_at).toBe('');
    // disabled by a writer the scheduler has not seen yet: the planned slot no longer belongs to the schedule
    await db.dataSource.query(`UPDATE collector SET schedule = jsonb_set(schedule, '{state}', '"DISABLED"') WHERE collector_id = $1`, [raced.collector_id]);

    for (const at of ['2025-03-28T11:00:00Z', '2025-03-29T11:00:00Z', '2025-04-05T11:00:00Z']) expect(await tickAt(at)).toEqual([]);
    const [{ count }] = await db.dataSource.query(`SELECT count(*)::int AS count FROM job`);
    expect(count).toBe(0);
    expect((await statusOf(raced.collector_id)).next_run_at).toBe('');
  });

  it('plans a changed schedule again, and keeps the planned slot when an update leaves the schedule as it is', async () => {
    const collector = await createCollector({ state: 'ENABLED', hours: [11] });
    clock.set('2025-03-28T11:00:10Z'); // the 11:00 slot is due and not fired yet
    const renamed = await stack.collectorService.update(decode('UpdateCollectorRequest', { collector_id: collector.collector_id, name: 'renamed' }), SCOPE);
    expect(renamed.schedule_status!.next_run_at).toBe('2025-03-28T11:00:00.000Z');
    const sameSchedule = await stack.collectorService.update(
      decode('UpdateCollectorRequest', { collector_id: collector.collector_id, schedule: { hours: [11] } }),
      SCOPE,
    );
    expect(sameSchedule.schedule_status!.next_run_at).toBe('2025-03-28T11:00:00.000Z');
    const changed = await stack.collectorService.update(
      decode('UpdateCollectorRequest', { collector_id: collector.collector_id, schedule: { cron: '*/15 * * * *' } }),
      SCOPE,
    );
    expect(changed.schedule).toMatchObject({ state: 'ENABLED', hours: [], cron: '*/15 * * * *' });
    expect(changed.schedule_status!.next_run_at).toBe('2025-03-28T11:15:00.000Z');

    // a schedule written before schedules fired (or by another writer) is planned by the next pass
    await db.dataSource.query(`UPDATE collector SET schedule = '{"state": "ENABLED", "hours": [13]}', schedule_planned = NULL WHERE collector_id = $1`, [
      collector.collector_id,
    ]);
    await tickAt('2025-03-28T12:00:00Z');
    expect((await statusOf(collector.collector_id)).next_run_at).toBe('2025-03-28T13:00:00.000Z');
  });

  it('after downtime, the missed slots give one catch-up run, for the latest slot, and the next slot is planned from now', async () => {
    const collector = await createCollector({ state: 'ENABLED', cron: '0 * * * *' });
    expect(collector.schedule_status!.next_run_at).toBe('2025-03-28T11:00:00.000Z');
    const outcomes = await tickAt('2025-03-31T14:05:00Z'); // 3 days and 75 slots later
    expect(outcomes).toEqual([
      expect.objectContaining({ result: 'started', slot: new Date('2025-03-31T14:00:00Z'), planned: new Date('2025-03-28T11:00:00Z') }),
    ]);
    expect(await tickAt('2025-03-31T14:59:59Z')).toEqual([]);
    expect(await slotsOf(collector.collector_id)).toEqual(['2025-03-31T14:00:00.000Z']);
    expect((await statusOf(collector.collector_id)).next_run_at).toBe('2025-03-31T15:00:00.000Z');
  });

  it('skips a slot while the collector job still runs, counts it once, and starts the next slot once the job has ended', async () => {
    const collector = await createCollector({ state: 'ENABLED', cron: '0 * * * *' }, { secret: true });
    const [first] = await tickAt('2025-03-28T11:00:00Z');
    expect(first).toMatchObject({ result: 'started' });
    expect((await jobsOf(collector.collector_id))[0].status).toBe('IN_PROGRESS');

    const warn = jest.spyOn(Logger.prototype, 'warn');
    const [skipped] = await tickAt('2025-03-28T12:00:00Z');
    expect(skipped).toMatchObject({ result: 'skipped', running_job_id: first.job_id, recorded: true });
    expect(warn).toHaveBeenCalledWith(
      `collector ${collector.collector_id} slot 2025-03-28T12:00:00.000Z: skipped, job ${first.job_id} is still running`,
    );
    warn.mockRestore();
    expect(await tickAt('2025-03-28T12:30:00Z')).toEqual([]);
    expect(await statusOf(collector.collector_id)).toMatchObject({
      skipped_count: 1,
      last_skipped_at: '2025-03-28T12:00:00.000Z',
      last_run_at: '2025-03-28T12:00:00.000Z',
      last_job_id: first.job_id,
      next_run_at: '2025-03-28T13:00:00.000Z',
    });
    // the count is a query key of collectors
    const { results } = await stack.collectorService.list(
      decode('CollectorQuery', { query: { filter: [{ k: 'schedule_status.skipped_count', v: 0, o: 'gt' }], only: ['collector_id', 'schedule_status.skipped_count'] } }),
      SCOPE,
    );
    expect(results).toEqual([{ collector_id: collector.collector_id, name: collector.name, schedule_status: { skipped_count: 1 } }]);

    await endJobs(collector.collector_id);
    const [second] = await tickAt('2025-03-28T13:00:00Z');
    expect(second).toMatchObject({ result: 'started' });
    expect(await slotsOf(collector.collector_id)).toEqual(['2025-03-28T11:00:00.000Z', '2025-03-28T13:00:00.000Z']);
    expect((await statusOf(collector.collector_id)).skipped_count).toBe(1);
  });

  it('records why a slot started no job, and plans the next slot all the same', async () => {
    const collector = await createCollector({ state: 'ENABLED', hours: [11] });
    await db.dataSource.query(`UPDATE collector SET plugin_id = 'gone-plugin' WHERE collector_id = $1`, [collector.collector_id]);
    const [failed] = await tickAt('2025-03-28T11:00:00Z');
    expect(failed).toMatchObject({ result: 'failed', error: expect.stringContaining('gone-plugin'), recorded: true });
    expect(await statusOf(collector.collector_id)).toMatchObject({
      last_error: expect.stringContaining('gone-plugin'),
      last_run_at: '2025-03-28T11:00:00.000Z',
      next_run_at: '2025-03-29T11:00:00.000Z',
      last_job_id: '',
    });
    await db.dataSource.query(`UPDATE collector SET plugin_id = $2 WHERE collector_id = $1`, [collector.collector_id, PLUGIN]);
    await tickAt('2025-03-29T11:00:00Z');
    expect(await statusOf(collector.collector_id)).toMatchObject({ last_error: '', last_job_id: expect.stringMatching(/^job-/) });
  });

  it('takes over a slot whose scheduler died once its claim expires: the job it had started stands, or one is started', async () => {
    const started = await createCollector({ state: 'ENABLED', hours: [11] }, { secret: true });
    const notStarted = await createCollector({ state: 'ENABLED', hours: [11] }, { secret: true });
    clock.set('2025-03-28T11:00:00Z');
    const now = clock.now();
    // a scheduler claims both slots, starts one collect, and dies before recording anything
    const claimed = await stack.collectors.claimDueSchedules(now, 'dead-scheduler', new Date(now.getTime() + SLOT_CLAIM_MS), 10);
    expect(claimed.map((c) => c.collector_id).sort()).toEqual([started.collector_id, notStarted.collector_id].sort());
    const orphan = await stack.collects.collect(claimed.find((c) => c.collector_id === started.collector_id)!, {
      trigger: 'SCHEDULE',
      whenRunning: 'skip',
      scheduledAt: now,
    });

    expect(await tickAt('2025-03-28T11:09:59Z')).toEqual([]); // still claimed
    // a scheduler looks again when the claim expires, not before
    expect(await stack.collectors.nextScheduledSlot()).toEqual(new Date(now.getTime() + SLOT_CLAIM_MS));
    const outcomes = await tickAt(new Date(now.getTime() + SLOT_CLAIM_MS).toISOString());
    const byCollector = new Map(outcomes.map((o) => [o.collector_id, o]));
    expect(byCollector.get(started.collector_id)).toMatchObject({ result: 'started', job_id: 'job' in orphan ? orphan.job.job_id : 'none' });
    expect(byCollector.get(notStarted.collector_id)).toMatchObject({ result: 'started', slot: now });
    expect(await slotsOf(started.collector_id)).toEqual(['2025-03-28T11:00:00.000Z']);
    expect(await slotsOf(notStarted.collector_id)).toEqual(['2025-03-28T11:00:00.000Z']);
    expect((await statusOf(started.collector_id)).skipped_count).toBe(0);
  });

  it('two schedulers on their own pools, one clock, racing every slot: one job per collector and slot, each slot handled once', async () => {
    const pools: DataSource[] = await Promise.all([db.connect(4), db.connect(4)]);
    const rivals = pools.map((pool) => {
      const rivalStack = collectStackOn(pool, config, clock);
      stacks.push(rivalStack);
      return new SchedulerService(config, rivalStack.collectors, rivalStack.collects, clock);
    });
    const collectors = await Promise.all(Array.from({ length: 6 }, () => createCollector({ state: 'ENABLED', cron: '0 * * * *' })));
    const ids = collectors.map((c) => c.collector_id).sort();
    const ROUNDS = 30;
    for (let round = 1; round <= ROUNDS; round++) {
      clock.set(new Date(Date.parse('2025-03-28T10:00:00Z') + round * HOUR + (round % 3) * MINUTE));
      const outcomes: SlotOutcome[] = (await Promise.all(rivals.map((rival) => rival.tick()))).flat();
      const slot = new Date(Date.parse('2025-03-28T10:00:00Z') + round * HOUR).toISOString();
      expect(outcomes.map((o) => o.collector_id).sort()).toEqual(ids);
      expect(outcomes.every((o) => o.result === 'started' && o.recorded && o.slot.toISOString() === slot)).toBe(true);
    }
    const perSlot: { collector_id: string; jobs: number }[] = await db.dataSource.query(
      `SELECT collector_id, scheduled_at, count(*)::int AS jobs FROM job GROUP BY collector_id, scheduled_at`,
    );
    expect(perSlot).toHaveLength(ids.length * ROUNDS);
    expect(perSlot.every((row) => row.jobs === 1)).toBe(true);
  });

  it('one job per collector and slot when collects of the same slot race on two pools (the unique slot index)', async () => {
    const other = collectStackOn(await db.connect(4), config, clock);
    stacks.push(other);
    const collector = await createCollector({ state: 'ENABLED', cron: '* * * * *' });
    const entity = (await stack.collectors.findOne(DOMAIN, collector.collector_id))!;
    for (let minute = 0; minute < 20; minute++) {
      const slot = new Date(Date.parse('2025-03-28T11:00:00Z') + minute * MINUTE);
      const results = await Promise.all(
        [stack, other].map((s) => s.collects.collect(entity, { trigger: 'SCHEDULE', whenRunning: 'skip', scheduledAt: slot })),
      );
      const jobIds = results.map((r) => ('job' in r ? r.job.job_id : 'skipped'));
      expect(jobIds[0]).toMatch(/^job-/);
      expect(jobIds[1]).toBe(jobIds[0]);
    }
    const [{ jobs, slots }] = await db.dataSource.query(`SELECT count(*)::int AS jobs, count(DISTINCT scheduled_at)::int AS slots FROM job`);
    expect([jobs, slots]).toEqual([20, 20]);
  });

  it('an API collect while a job runs is refused with COLLECTOR_COLLECTING, and its job says it was started by the API', async () => {
    const collector = await createCollector({ state: 'DISABLED' }, { secret: true });
    const entity = (await stack.collectors.findOne(DOMAIN, collector.collector_id))!;
    const first = await stack.collects.collect(entity, { trigger: 'API', whenRunning: 'refuse' });
    expect('job' in first && first.job).toMatchObject({ trigger: 'API', scheduled_at: null, status: 'IN_PROGRESS' });
    await expect(stack.collects.collect(entity, { trigger: 'API', whenRunning: 'refuse' })).rejects.toMatchObject({ code: ErrorCode.COLLECTOR_COLLECTING });
    expect(await stack.collects.collect(entity, { trigger: 'SCHEDULE', whenRunning: 'skip', scheduledAt: clock.now() })).toEqual({
      skipped: true,
      runningJobId: 'job' in first ? first.job.job_id : '',
    });
  });

  it('runs its loop where the scheduler role is, and stops it on shutdown; elsewhere it never fires', async () => {
    const collector = await createCollector({ state: 'ENABLED', hours: [11] });
    clock.set('2025-03-28T11:00:00Z');
    const off = new SchedulerService(config, stack.collectors, stack.collects, clock);
    const offTicks = jest.spyOn(off, 'tick');
    off.onApplicationBootstrap();
    const on = new SchedulerService({ ...config, scheduler: { enabled: true, pollMs: 60_000 } }, stack.collectors, stack.collects, clock);
    on.onApplicationBootstrap();
    await until(async () => (await jobsOf(collector.collector_id)).length > 0);
    await Promise.all([on.onApplicationShutdown(), off.onApplicationShutdown()]);
    expect(await slotsOf(collector.collector_id)).toEqual(['2025-03-28T11:00:00.000Z']);
    expect(offTicks).not.toHaveBeenCalled();
  });
});
