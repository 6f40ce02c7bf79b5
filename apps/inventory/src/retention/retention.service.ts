import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { firstRow } from '../common/sql-rows';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { RetentionCounts } from './retention-run.entity';
import { RetentionRepository } from './retention.repository';

/** pg_try_advisory_lock key: one replica runs retention at a time (migrations use 720_431_001). */
const RETENTION_LOCK_KEY = 720_431_011;
const RUN_NAME = 'retention';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A scheduler looks whether retention is due this soon after it starts, then at least this often. */
const FIRST_LOOK_MS = 10_000;
const MAX_LOOK_MS = 5 * 60_000;

const NOTHING: RetentionCounts = { jobs: 0, job_tasks: 0, cloud_services: 0, cloud_service_types: 0, regions: 0 };

/**
 * Retention, as Cloudforet's hourly cleanup, configurable: jobs (and their tasks) older than
 * RETENTION_JOB_DAYS are deleted; cloud services DELETED for more than RETENTION_DELETED_RESOURCE_DAYS
 * are removed for good; cloud service types and regions no collect has seen for
 * RETENTION_TYPE_HOURS / RETENTION_REGION_HOURS become DELETED (except those written by hand).
 * A rule at 0 is off. Runs where the `scheduler` role is (INVENTORY_ROLES), once per RETENTION_INTERVAL_MINUTES across all
 * replicas (the last run is in retention_run), one replica at a time (an advisory lock), in batches
 * of RETENTION_BATCH_SIZE rows, each its own short transaction. Each run is logged with its counts.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private running: Promise<void> | undefined;
  private readonly stop = new AbortController();

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly dataSource: DataSource,
    private readonly repository: RetentionRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const every = Math.min(this.config.retention.intervalMinutes * 60_000, MAX_LOOK_MS);
    for (let delay = FIRST_LOOK_MS; await this.sleep(delay); delay = every) {
      try {
        await this.runIfDue();
      } catch (error) {
        this.logger.error(`retention failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Resolves true after `ms`, false at once when the service stops. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stop.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve(!signal.aborted);
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Runs retention unless another replica is running it or ran it within the interval. Returns
   * what it removed, or null when it did not run.
   */
  async runIfDue(): Promise<RetentionCounts | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const locked = firstRow<{ locked: boolean }>(await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [RETENTION_LOCK_KEY]))!.locked;
      if (!locked) return null;
      try {
        const startedAt = this.clock.now();
        const last = firstRow<{ last_finished_at: Date }>(await runner.query(`SELECT last_finished_at FROM retention_run WHERE name = $1`, [RUN_NAME]));
        if (last && startedAt.getTime() - last.last_finished_at.getTime() < this.config.retention.intervalMinutes * 60_000) return null;
        const removed = await this.sweep(startedAt);
        if (this.stop.signal.aborted) return removed; // stopped halfway: the next replica runs it again
        await runner.query(
          `INSERT INTO retention_run (name, last_started_at, last_finished_at, last_owner, last_removed) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (name) DO UPDATE SET last_started_at = $2, last_finished_at = $3, last_owner = $4, last_removed = $5`,
          [RUN_NAME, startedAt, this.clock.now(), this.owner, JSON.stringify(removed)],
        );
        this.runFinished(removed, startedAt);
        return removed;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Every rule at `now`, batch by batch, until each finds nothing more (or the service stops). */
  async sweep(now: Date): Promise<RetentionCounts> {
    const { jobDays, deletedResourceDays, typeHours, regionHours } = this.config.retention;
    const before = (ms: number) => new Date(now.getTime() - ms);
    const removed = { ...NOTHING };
    if (jobDays > 0) {
      const cutoff = before(jobDays * DAY_MS);
      removed.job_tasks = await this.batches((limit) => this.repository.deleteTasksOfOldJobs(cutoff, limit));
      removed.jobs = await this.batches((limit) => this.repository.deleteOldJobs(cutoff, limit));
    }
    if (deletedResourceDays > 0) {
      const cutoff = before(deletedResourceDays * DAY_MS);
      removed.cloud_services = await this.batches((limit) => this.repository.purgeDeletedCloudServices(cutoff, limit));
    }
    if (typeHours > 0) {
      const cutoff = before(typeHours * HOUR_MS);
      removed.cloud_service_types = await this.batches((limit) => this.repository.expireUnseen('cloud_service_type', cutoff, now, limit));
    }
    if (regionHours > 0) {
      const cutoff = before(regionHours * HOUR_MS);
      removed.regions = await this.batches((limit) => this.repository.expireUnseen('region', cutoff, now, limit));
    }
    return removed;
  }

  private async batches(statement: (limit: number) => Promise<number>): Promise<number> {
    const limit = this.config.retention.batchSize;
    let total = 0;
    for (;;) {
      const removed = await statement(limit);
      total += removed;
      if (removed < limit || this.stop.signal.aborted) return total;
    }
  }

  /** Every finished run passes here: the log now, metrics (issue 15) later. */
  private runFinished(removed: RetentionCounts, startedAt: Date): void {
    const seconds = ((this.clock.now().getTime() - startedAt.getTime()) / 1000).toFixed(1);
    this.logger.log(
      `retention: deleted ${removed.jobs} job(s) with ${removed.job_tasks} task(s), removed ${removed.cloud_services} cloud service(s) ` +
        `DELETED long ago; ${removed.cloud_service_types} cloud service type(s) and ${removed.regions} region(s) not seen became DELETED (${seconds} s)`,
    );
  }
}
