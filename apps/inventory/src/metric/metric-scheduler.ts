import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { INVENTORY_CONFIG, InventoryConfig, hasRole } from '../inventory.config';
import { MetricRunner } from './metric-runner';

/** How often the daily run looks for metrics not computed today (a new UTC day starts their run). */
const CHECK_EVERY_MS = 10 * 60_000;

/**
 * The daily run of metrics (Cloudforet's MetricScheduler at 00:30 UTC): in every worker process,
 * at start and every ten minutes, each metric not yet computed on the current UTC day is claimed
 * (MetricRunner.runDaily: an atomic UPDATE, so one process runs it) and run for that day. So a
 * day gets its values even when no collect changed anything, and a process that was down at
 * midnight catches up when it starts.
 */
@Injectable()
export class MetricScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly runner: MetricRunner,
  ) {}

  onApplicationBootstrap(): void {
    if (!hasRole(this.config, 'worker')) return;
    this.timer = setInterval(() => this.tick(), CHECK_EVERY_MS);
    this.tick();
  }

  /** One check; a check still running is not doubled. */
  tick(): void {
    if (this.running) return;
    this.running = this.runner
      .runDaily()
      .then((results) => {
        if (results.length > 0) this.logger.log(`daily metrics: ${results.length} run, ${results.reduce((sum, r) => sum + r.rows, 0)} values`);
      })
      .catch((error: Error) => this.logger.warn(`daily metrics failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
