import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CollectService } from '../collect/collect.service';
import { Timetable } from '../collector/collector-schedule';
import { CollectorEntity } from '../collector/collector.entity';
import { CollectorRepository } from '../collector/collector.repository';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';

/** How long a scheduler holds a claimed slot before another may take it over (it died, or hangs). */
export const SLOT_CLAIM_MS = 10 * 60_000;
/** Collectors planned per statement, and claimed at once. */
const PLAN_BATCH = 500;
const CLAIM_BATCH = 8;
/** Scheduled collects one scheduler starts at once (each asks the plugin for its tasks). */
const START_CONCURRENCY = 4;
/** A scheduler looks again at least this long after a pass, even when a slot is due (another replica holds it). */
const MIN_DELAY_MS = 1000;

/** What became of one due slot of a collector's schedule. */
export interface SlotOutcome {
  collector_id: string;
  domain_id: string;
  /** The slot fired: the latest one due, so slots missed while no scheduler ran give one run. */
  slot: Date;
  /** The slot that was planned; earlier than `slot` for a catch-up run. */
  planned: Date;
  result: 'started' | 'skipped' | 'failed';
  job_id?: string;
  /** started: a job of the collector still running (skipped). */
  running_job_id?: string;
  error?: string;
  /** false: another scheduler took the slot over meanwhile (this one's claim had expired). */
  recorded: boolean;
}

/**
 * Fires collectors' schedules (Cloudforet's hourly `hours`, our cron with a time zone), in any
 * number of replicas at once. PostgreSQL holds the timetable: each collector's next slot is
 * planned in its row; a scheduler claims due slots (UPDATE … FOR UPDATE SKIP LOCKED, with a claim
 * that expires if it dies), starts one collect per slot through CollectService (trigger SCHEDULE,
 * skip while a job runs), then records the outcome and plans the next slot. The job carries its
 * slot under a unique index, so a slot taken over after a crash still starts one job. Time comes
 * from the injected Clock. Runs where INVENTORY_ROLES has `scheduler`.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  /** This scheduler, as its claims name it. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private running: Promise<void> | undefined;
  private readonly stop = new AbortController();

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly collectors: CollectorRepository,
    private readonly collects: CollectService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    this.logger.log(`scheduler ${this.owner} fires collectors' schedules`);
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        this.logger.error(`schedule pass failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await this.sleep(await this.delayUntilNextLook().catch(() => this.config.scheduler.pollMs));
    }
  }

  /** Until the earliest planned slot, at most the poll interval. */
  private async delayUntilNextLook(): Promise<number> {
    const next = await this.collectors.nextScheduledSlot();
    const untilNext = next ? next.getTime() - this.clock.now().getTime() : Infinity;
    return Math.max(MIN_DELAY_MS, Math.min(this.config.scheduler.pollMs, untilNext));
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.stop.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * One pass at the clock's time: plans the schedules not planned yet (new, changed, from before
   * schedules fired), then fires every due slot it can claim. Returns what became of each slot.
   */
  async tick(): Promise<SlotOutcome[]> {
    await this.planUnplanned();
    const outcomes: SlotOutcome[] = [];
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.collectors.claimDueSchedules(now, this.owner, new Date(now.getTime() + SLOT_CLAIM_MS), CLAIM_BATCH);
      if (claimed.length === 0) return outcomes;
      for (let i = 0; i < claimed.length; i += START_CONCURRENCY) {
        outcomes.push(...(await Promise.all(claimed.slice(i, i + START_CONCURRENCY).map((collector) => this.fire(collector, now)))));
      }
    }
  }

  private async planUnplanned(): Promise<void> {
    const now = this.clock.now();
    for (const { collector_id, schedule } of await this.collectors.findUnplanned(PLAN_BATCH)) {
      let next: Date | null = null;
      try {
        next = Timetable.of(schedule)?.next(now) ?? null;
      } catch (error) {
        // stored before a check that now refuses it: the schedule cannot fire until it is updated
        this.logger.warn(`collector ${collector_id}: schedule ${JSON.stringify(schedule)} cannot fire: ${(error as Error).message}`);
      }
      await this.collectors.planSchedule(collector_id, schedule, next);
    }
  }

  /** Starts the collect of one claimed slot and records what became of it. */
  private async fire(collector: CollectorEntity, now: Date): Promise<SlotOutcome> {
    const planned = collector.schedule_next_run_at!;
    const timetable = Timetable.of(collector.schedule);
    const latest = timetable?.latestAtOrBefore(now);
    const slot = latest && latest > planned ? latest : planned;
    const outcome: SlotOutcome = { collector_id: collector.collector_id, domain_id: collector.domain_id, slot, planned, result: 'failed', recorded: false };
    try {
      const result = await this.collects.collect(collector, { trigger: 'SCHEDULE', whenRunning: 'skip', scheduledAt: slot });
      if ('skipped' in result) {
        outcome.result = 'skipped';
        outcome.running_job_id = result.runningJobId;
      } else {
        outcome.result = 'started';
        outcome.job_id = result.job.job_id;
      }
    } catch (error) {
      outcome.error = error instanceof Error ? error.message : String(error);
    }
    outcome.recorded = await this.collectors.finishScheduledSlot(collector, this.owner, {
      slot,
      nextRunAt: timetable?.next(now) ?? null,
      jobId: outcome.job_id,
      skipped: outcome.result === 'skipped',
      error: outcome.error,
    });
    this.slotHandled(outcome);
    return outcome;
  }

  /** Every slot's outcome passes here: the log now, metrics (issue 15) later. */
  private slotHandled(outcome: SlotOutcome): void {
    const slot = outcome.slot.toISOString();
    const catchUp = outcome.slot > outcome.planned ? ` (catch-up: planned ${outcome.planned.toISOString()})` : '';
    const where = `collector ${outcome.collector_id} slot ${slot}${catchUp}`;
    const lost = outcome.recorded ? '' : '; another scheduler had taken the slot over';
    if (outcome.result === 'started') this.logger.log(`${where}: job ${outcome.job_id}${lost}`);
    else if (outcome.result === 'skipped') this.logger.warn(`${where}: skipped, job ${outcome.running_job_id} is still running${lost}`);
    else this.logger.error(`${where}: no job started: ${outcome.error}${lost}`);
  }
}
