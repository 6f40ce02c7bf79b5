import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Client } from 'pg';
import { inventoryInvariantViolations, InventoryReplica, JsonRecord, LooseJson, Stack, startStack, waitForJob } from '@cloud-inventory/testing';

/**
 * Schedules and retention in the built apps: two inventory processes run the scheduler against one
 * database and race for every slot, and retention runs in a process of its own. Time comes from
 * INVENTORY_CLOCK_FILE, which the test moves for every process at once: nothing waits for a slot.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Collectors that race for one slot in two schedulers (collects with no secret: jobs of no task). */
const RACERS = 12;

/** Waits until `probe` answers something other than undefined (the test's timeout bounds it). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function rejection(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  return promise.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (error: { code: number; details: string }) => error,
  );
}

/** A clock file the processes read, and the time it says. */
class ClockFile {
  readonly dir = mkdtempSync(join(tmpdir(), 'cinv-clock-'));
  readonly path = join(this.dir, 'now');
  now!: Date;

  constructor(start: Date) {
    this.set(start);
  }

  set(at: Date): void {
    this.now = at;
    writeFileSync(this.path, at.toISOString());
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** 00:00 UTC of the day after today: schedules run near the real date, so retention's rules stay out of the way. */
function tomorrow(): Date {
  const day = new Date();
  day.setUTCHours(24, 0, 0, 0);
  return day;
}

const iso = (base: Date, ms: number) => new Date(base.getTime() + ms).toISOString();

describe('schedules fired by two scheduler processes on one database, with a clock the test moves', () => {
  const day = tomorrow();
  const clock = new ClockFile(new Date(day.getTime() + 5 * HOUR));
  let stack: Stack;
  let second: InventoryReplica;
  let serial = 0;

  beforeAll(async () => {
    // both processes fire schedules (the default) and look every second; retention's rules are off here
    const env = { INVENTORY_CLOCK_FILE: clock.path, SCHEDULER_POLL_SECONDS: '1', RETENTION_JOB_DAYS: '0', RETENTION_DELETED_RESOURCE_DAYS: '0', RETENTION_TYPE_HOURS: '0', RETENTION_REGION_HOURS: '0' };
    stack = await startStack({ inventoryEnv: env });
    second = await stack.startReplica();
  });

  afterAll(async () => {
    await stack?.stop();
    clock.remove();
  });

  afterEach(async () => {
    if (stack) expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });

  async function createCollector(provider: string, schedule: Record<string, unknown>, options: Record<string, unknown> = {}): Promise<JsonRecord> {
    serial += 1;
    return stack.grpc.call('Collector', 'create', {
      name: `scheduled ${serial}`,
      provider,
      plugin_info: { plugin_id: 'synthetic', options: { count: 4, seed: serial, include_types: false, ...options } },
      schedule,
    });
  }

  const getCollector = (collectorId: string) => stack.grpc.call('Collector', 'get', { collector_id: collectorId });

  /** The collector's jobs the schedule started, oldest slot first. */
  async function scheduledJobs(collectorId: string): Promise<JsonRecord[]> {
    const { results } = await stack.grpc.call<{ results: JsonRecord[] }>('Job', 'list', {
      collector_id: collectorId,
      query: { filter: [{ k: 'trigger', v: 'SCHEDULE', o: 'eq' }], sort: [{ key: 'scheduled_at' }] },
    });
    return results;
  }

  /** Moves the clock and waits until every collector has handled its slot (its next slot planned after the clock). */
  async function moveClockTo(at: Date, collectorIds: string[]): Promise<void> {
    clock.set(at);
    for (const collectorId of collectorIds) {
      await eventually(async () => {
        const next = (await getCollector(collectorId))['schedule_status']['next_run_at'];
        return next && new Date(next) > at ? true : undefined;
      });
    }
  }

  /** The scheduler's log lines of both processes that mention the collector's slot. */
  const slotLines = (collectorId: string) =>
    [stack.inventory, second.process].flatMap((process) => process.log().split('\n').filter((line) => line.includes(`collector ${collectorId} slot`)));

  it('refuses bad schedules with INVALID_ARGUMENT over gRPC and HTTP, naming what is wrong', async () => {
    const collector = await createCollector('refused', { state: 'DISABLED', hours: [3] });
    const badCron = await stack.post('/inventory/v1/collector/update', { collector_id: collector['collector_id'], schedule: { state: 'ENABLED', cron: '* * * *' } });
    expect(badCron).toMatchObject({ status: 400, body: { code: 'ERROR_INVALID_ARGUMENT', message: expect.stringContaining('five fields') } });
    const badZone = await rejection(
      stack.grpc.call('Collector', 'update', { collector_id: collector['collector_id'], schedule: { state: 'ENABLED', cron: '* * * * *', timezone: 'Europe/Atlantis' } }),
    );
    expect(badZone).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('"Europe/Atlantis" is not an IANA time zone') });
    const both = await rejection(stack.grpc.call('Collector', 'create', { name: 'both', provider: 'x', plugin_info: { plugin_id: 'synthetic' }, schedule: { state: 'ENABLED', hours: [1], cron: '0 1 * * *' } }));
    expect(both).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('either hours') });
    expect((await getCollector(collector['collector_id']))['schedule']).toEqual({ state: 'DISABLED', hours: [3], cron: '', timezone: '' });
  });

  it('fires each due slot once, whichever process claims it: hours in UTC, cron in its time zone; one catch-up run after downtime; disabled schedules never', async () => {
    await stack.grpc.call('Secret', 'create', { name: 'kolkata account', provider: 'kolkata', data: { account_id: '400000000001' } });
    // every 6 hours in Kolkata (UTC+05:30): 00:30, 06:30, 12:30 and 18:30 UTC
    const kolkata = await createCollector('kolkata', { state: 'ENABLED', cron: '0 */6 * * *', timezone: 'Asia/Kolkata' });
    const hours = await createCollector('hours', { state: 'ENABLED', hours: [12, 6] });
    const racers = [];
    for (let i = 0; i < RACERS; i++) racers.push(await createCollector('racers', { state: 'ENABLED', cron: '30 */6 * * *' }));
    const disabled = await createCollector('disabled', { state: 'DISABLED', cron: '30 */6 * * *' });
    const disabledLater = await createCollector('disabled', { state: 'ENABLED', hours: [6] });
    expect(disabledLater['schedule_status']['next_run_at']).toBe(iso(day, 6 * HOUR));
    const off = await stack.grpc.call('Collector', 'update', { collector_id: disabledLater['collector_id'], schedule: { state: 'DISABLED', hours: [6] } });
    expect(off['schedule_status']['next_run_at']).toBe('');

    expect(kolkata['schedule']).toEqual({ state: 'ENABLED', hours: [], cron: '0 */6 * * *', timezone: 'Asia/Kolkata' });
    expect(kolkata['schedule_status']).toEqual({ next_run_at: iso(day, 6.5 * HOUR), last_run_at: '', last_job_id: '', skipped_count: 0, last_skipped_at: '', last_error: '' });
    expect(hours['schedule_status']['next_run_at']).toBe(iso(day, 6 * HOUR));
    expect(disabled['schedule_status']['next_run_at']).toBe('');

    const fired = [kolkata, hours, ...racers].map((collector) => collector['collector_id'] as string);
    const slotsOf = async (collectorId: string) => (await scheduledJobs(collectorId)).map((job) => job['scheduled_at']);

    // 06:30 UTC: both processes find every slot due at once
    await moveClockTo(new Date(day.getTime() + 6.5 * HOUR), fired);
    expect(await slotsOf(kolkata['collector_id'])).toEqual([iso(day, 6.5 * HOUR)]);
    expect(await slotsOf(hours['collector_id'])).toEqual([iso(day, 6 * HOUR)]);
    for (const racer of racers) expect(await slotsOf(racer['collector_id'])).toEqual([iso(day, 6.5 * HOUR)]);
    const [first] = await scheduledJobs(kolkata['collector_id']);
    expect(await waitForJob(stack, first['job_id'])).toMatchObject({ status: 'SUCCESS', trigger: 'SCHEDULE', total_tasks: 1, success_tasks: 1 });
    expect(await getCollector(kolkata['collector_id'])).toMatchObject({
      schedule_status: { next_run_at: iso(day, 12.5 * HOUR), last_run_at: iso(day, 6.5 * HOUR), last_job_id: first['job_id'], skipped_count: 0, last_error: '' },
    });

    // 12:30 UTC: the next slot, once more each
    await moveClockTo(new Date(day.getTime() + 12.5 * HOUR), fired);
    expect(await slotsOf(kolkata['collector_id'])).toEqual([iso(day, 6.5 * HOUR), iso(day, 12.5 * HOUR)]);
    expect(await slotsOf(hours['collector_id'])).toEqual([iso(day, 6 * HOUR), iso(day, 12 * HOUR)]);
    for (const racer of racers) expect(await slotsOf(racer['collector_id'])).toEqual([iso(day, 6.5 * HOUR), iso(day, 12.5 * HOUR)]);

    // the schedulers were "down" for a day: four missed slots give one run, for the latest slot
    await moveClockTo(new Date(day.getTime() + DAY + 13 * HOUR), fired);
    expect(await slotsOf(kolkata['collector_id'])).toEqual([iso(day, 6.5 * HOUR), iso(day, 12.5 * HOUR), iso(day, DAY + 12.5 * HOUR)]);
    expect(await slotsOf(hours['collector_id'])).toEqual([iso(day, 6 * HOUR), iso(day, 12 * HOUR), iso(day, DAY + 12 * HOUR)]);
    for (const racer of racers) expect(await slotsOf(racer['collector_id'])).toHaveLength(3);
    expect(slotLines(kolkata['collector_id']).filter((line) => line.includes('(catch-up: planned'))).toEqual([
      expect.stringContaining(`slot ${iso(day, DAY + 12.5 * HOUR)} (catch-up: planned ${iso(day, 18.5 * HOUR)}): job`),
    ]);

    // each slot was handled once across the two processes: one log line per slot, no slot lost or taken over
    for (const collectorId of fired) {
      const lines = slotLines(collectorId);
      expect(lines).toHaveLength(3);
      expect(lines.join('\n')).not.toMatch(/another scheduler had taken the slot over|skipped|no job started/);
    }
    for (const { collector_id } of [disabled, disabledLater]) {
      expect((await stack.grpc.call('Job', 'list', { collector_id }))['total_count']).toBe(0);
      expect((await getCollector(collector_id))['schedule_status']).toMatchObject({ next_run_at: '', last_run_at: '' });
    }
    // a collect by API call says so
    const byApi = await stack.grpc.call('Collector', 'collect', { collector_id: kolkata['collector_id'] });
    expect(byApi).toMatchObject({ trigger: 'API', scheduled_at: '' });
    expect(await waitForJob(stack, byApi['job_id'])).toMatchObject({ status: 'SUCCESS' });
  });

  it('skips a slot while the collector job still runs: a warning in the log, schedule_status.skipped_count, and no job', async () => {
    clock.set(new Date(day.getTime() + DAY + 13 * HOUR));
    await stack.grpc.call('Secret', 'create', { name: 'slow account', provider: 'slow', data: { account_id: '400000000002' } });
    // one resource, then a minute's pause before the stream ends: the job outlasts the slot
    const slow = await createCollector('slow', { state: 'ENABLED', cron: '*/15 * * * *' }, { count: 1, delay_ms: 60_000 });
    expect(slow['schedule_status']['next_run_at']).toBe(iso(day, DAY + 13.25 * HOUR));
    const running = await stack.grpc.call('Collector', 'collect', { collector_id: slow['collector_id'] });
    expect(running['status']).toBe('IN_PROGRESS');

    await moveClockTo(new Date(day.getTime() + DAY + 13.25 * HOUR), [slow['collector_id']]);
    expect((await getCollector(slow['collector_id']))['schedule_status']).toMatchObject({
      next_run_at: iso(day, DAY + 13.5 * HOUR),
      last_run_at: iso(day, DAY + 13.25 * HOUR),
      skipped_count: 1,
      last_skipped_at: iso(day, DAY + 13.25 * HOUR),
      last_job_id: '',
    });
    expect(await scheduledJobs(slow['collector_id'])).toEqual([]);
    expect((await stack.grpc.call('Job', 'get', { job_id: running['job_id'] }))['status']).toBe('IN_PROGRESS');
    expect(slotLines(slow['collector_id'])).toEqual([
      expect.stringContaining(`collector ${slow['collector_id']} slot ${iso(day, DAY + 13.25 * HOUR)}: skipped, job ${running['job_id']} is still running`),
    ]);
    // the counter is a query key: collectors that skipped slots
    const { results } = await stack.grpc.call<{ results: LooseJson[] }>('Collector', 'list', {
      query: { filter: [{ k: 'schedule_status.skipped_count', v: 0, o: 'gt' }], only: ['collector_id'] },
    });
    expect(results.map((result) => result['collector_id'])).toEqual([slow['collector_id']]);
  });
});

describe('retention in a scheduler process of its own, at a time the test chooses', () => {
  const clock = new ClockFile(new Date());
  let stack: Stack;
  let db: Client;

  beforeAll(async () => {
    // this process only serves the API and runs the workers: a cloud service missed once is DELETED
    stack = await startStack({ inventoryEnv: { INVENTORY_CLOCK_FILE: clock.path, INVENTORY_ROLES: 'api,worker', DISCONNECTED_DELETE_AFTER: '1' } });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    clock.remove();
  });

  const DELETED_ONES = { filter: [{ k: 'state', v: 'DELETED', o: 'eq' }] };
  const listed = async (service: 'CloudServiceType' | 'Region', query: Record<string, unknown> = {}) =>
    (await stack.grpc.call(service, 'list', { query: { ...query, count_only: true } }))['total_count'];
  const kindStates = async (table: 'cloud_service_type' | 'region') =>
    (await db.query<{ state: string; deleted: boolean }>(`SELECT state, deleted_at IS NOT NULL AS deleted FROM ${table}`)).rows;

  it('deletes ended jobs older than 60 days, removes cloud services DELETED for 90, marks types and regions no collect saw DELETED; a collect revives them', async () => {
    await stack.grpc.call('Secret', 'create', { name: 'retention account', provider: 'synthetic', data: { account_id: '500000000001' } });
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'retention',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: 6, seed: 9 } },
    });
    const collectorId = collector['collector_id'];
    const collect = async () => waitForJob(stack, (await stack.grpc.call('Collector', 'collect', { collector_id: collectorId }))['job_id']);
    const cloudServices = async (state: string) =>
      (await stack.grpc.call('CloudService', 'list', { state, query: { filter: [{ k: 'collection_info.collector_id', v: collectorId, o: 'eq' }], count_only: true } }))['total_count'];

    const full = await collect();
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: { count: 3, seed: 9 } });
    const half = await collect();
    expect([full['status'], half['status']]).toEqual(['SUCCESS', 'SUCCESS']);
    expect([await cloudServices('ACTIVE'), await cloudServices('DELETED')]).toEqual([3, 3]);
    const types = await kindStates('cloud_service_type');
    const regions = await kindStates('region');
    expect(types.length).toBeGreaterThan(0);
    expect(regions.length).toBeGreaterThan(0);
    expect([...types, ...regions].every((row) => row.state === 'ACTIVE' && !row.deleted)).toBe(true);
    // (checked before retention: afterwards the tasks whose counters the invariants add up are gone)
    expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);

    // 91 days later a scheduler starts: retention (default rules) runs once it has looked
    clock.set(new Date(Date.now() + 91 * DAY));
    const retention = await stack.startReplica({ INVENTORY_ROLES: 'scheduler' });
    const line = await eventually(async () => retention.process.log().split('\n').find((l) => l.includes('retention: deleted')));
    expect(line).toContain(
      `retention: deleted 2 job(s) with 2 task(s), removed 3 cloud service(s) DELETED long ago; ${types.length} cloud service type(s) and ${regions.length} region(s) not seen became DELETED`,
    );

    for (const job of [full, half]) {
      expect(await rejection(stack.grpc.call('Job', 'get', { job_id: job['job_id'] }))).toMatchObject({ code: status.NOT_FOUND });
      expect((await stack.grpc.call('JobTask', 'list', { job_id: job['job_id'] }))['total_count']).toBe(0);
    }
    expect([await cloudServices('ACTIVE'), await cloudServices('DELETED')]).toEqual([3, 0]);
    expect([...(await kindStates('cloud_service_type')), ...(await kindStates('region'))].every((row) => row.state === 'DELETED' && row.deleted)).toBe(true);
    // the API shows them gone, unless asked for by state
    expect(await listed('CloudServiceType')).toBe(0);
    expect(await listed('Region')).toBe(0);
    expect(await listed('CloudServiceType', DELETED_ONES)).toBe(types.length);
    expect(await listed('Region', DELETED_ONES)).toBe(regions.length);
    // the run is recorded, so the other replicas wait for the interval
    const { rows } = await db.query(`SELECT last_finished_at, last_removed FROM retention_run WHERE name = 'retention'`);
    expect(rows[0].last_finished_at).toEqual(clock.now);
    expect(rows[0].last_removed).toMatchObject({ jobs: 2, job_tasks: 2, cloud_services: 3 });

    // a collect that sees them again (all of them: the first collect's count) makes them ACTIVE
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: { count: 6, seed: 9 } });
    expect(await collect()).toMatchObject({ status: 'SUCCESS' });
    expect([...(await kindStates('cloud_service_type')), ...(await kindStates('region'))].every((row) => row.state === 'ACTIVE' && !row.deleted)).toBe(true);
    expect([await listed('CloudServiceType'), await listed('Region')]).toEqual([types.length, regions.length]);
  });
});
