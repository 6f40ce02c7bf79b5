import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '@cloud-inventory/observability';
import { QueueDepth, QueueEntryStatus, TaskQueueStatsRepository } from '../job-task/task-queue-stats.repository';

/** The pg pool under TypeORM's postgres driver (its `master`). */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

const QUEUE_STATUSES: QueueEntryStatus[] = ['ready', 'leased', 'delayed'];

/** Where the gauges read from at scrape time: the running app (one per process; the newest, in tests). */
const running: ScrapeGauges[] = [];
const source = (): ScrapeGauges | undefined => running[0];

const registers = [metricsRegistry()];

new Gauge({
  name: 'inventory_task_queue_depth',
  help: 'Entries of the task queue at scrape time: ready to claim, leased by a worker, or delayed; by their task status.',
  labelNames: ['status', 'task_status'] as const,
  registers,
  async collect() {
    this.reset();
    const depth = await source()?.depth();
    if (!depth) return;
    // every lease state is shown, at 0 when empty, so that a panel never has holes
    for (const status of QUEUE_STATUSES) this.set({ status, task_status: 'PENDING' }, 0);
    for (const entry of depth.entries) this.set({ status: entry.status, task_status: entry.task_status }, entry.count);
  },
});

new Gauge({
  name: 'inventory_jobs_in_progress',
  help: 'Jobs IN_PROGRESS at scrape time.',
  registers,
  async collect() {
    this.reset();
    const depth = await source()?.depth();
    if (depth) this.set(depth.jobsInProgress);
  },
});

const poolGauge = (name: string, help: string, read: (pool: PgPool) => number | undefined) =>
  new Gauge({
    name,
    help,
    registers,
    collect() {
      const pool = source()?.pool();
      const value = pool ? read(pool) : undefined;
      if (value === undefined) this.reset();
      else this.set(value);
    },
  });

poolGauge('inventory_db_pool_connections', 'Connections the database pool holds (in use and idle).', (pool) => pool.totalCount);
poolGauge('inventory_db_pool_idle_connections', 'Idle connections of the database pool.', (pool) => pool.idleCount);
poolGauge('inventory_db_pool_waiting_clients', 'Queries waiting for a connection of the database pool.', (pool) => pool.waitingCount);
poolGauge('inventory_db_pool_max_connections', 'Size limit of the database pool (DB_POOL_SIZE).', (pool) => pool.options?.max);

/**
 * The gauges read when Prometheus scrapes, not kept up to date by the code they describe: the
 * task queue and running jobs (one SQL statement, TaskQueueStatsRepository) and the database
 * pool's counts (read from the pool object, no query).
 */
@Injectable()
export class ScrapeGauges implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ScrapeGauges.name);
  private reading?: Promise<QueueDepth | undefined>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queueStats: TaskQueueStatsRepository,
  ) {}

  onModuleInit(): void {
    running.unshift(this);
  }

  onModuleDestroy(): void {
    const index = running.indexOf(this);
    if (index >= 0) running.splice(index, 1);
  }

  pool(): PgPool | undefined {
    return (this.dataSource.driver as unknown as { master?: PgPool }).master;
  }

  /** The queue's depth, read once per scrape however many gauges ask (they are collected at once). */
  depth(): Promise<QueueDepth | undefined> {
    this.reading ??= this.queueStats
      .depth()
      .catch((error: unknown) => {
        // the scrape still answers (process and pool metrics); the queue gauges are absent this time
        this.logger.warn(`metrics: reading the task queue failed: ${(error as Error).message}`);
        return undefined;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
