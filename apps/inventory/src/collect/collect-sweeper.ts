import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { INVENTORY_CONFIG, InventoryConfig, hasRole } from '../inventory.config';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { JobStopper } from './job-stopper';
import { TaskEnding } from './task-ending';

/** Jobs with unfolded endings folded per sweep. */
const FOLD_BATCH = 100;

/**
 * What keeps jobs from staying open, every SWEEP_INTERVAL_MS on every worker replica: running
 * jobs past their deadline end TIMEOUT with their unfinished tasks (job-stopper.ts: guarded SQL,
 * so replicas sweeping at once stop each job once), and task endings left unfolded (their process
 * died between the ending and the fold) are counted on their jobs. Not a timer that must run in
 * one process: any replica's sweep does it, and doing it twice changes nothing.
 */
@Injectable()
export class CollectSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CollectSweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly stopper: JobStopper,
    private readonly states: TaskStateRepository,
    private readonly ending: TaskEnding,
  ) {}

  onApplicationBootstrap(): void {
    if (!hasRole(this.config, 'worker')) return;
    this.timer = setInterval(() => {
      if (!this.sweeping && !this.stopping) this.sweeping = this.sweep().finally(() => (this.sweeping = undefined));
    }, this.config.worker.sweepIntervalMs);
  }

  /** One sweep: timeouts, then unfolded endings. */
  async sweep(): Promise<void> {
    try {
      await this.stopper.expire();
      for (const jobId of await this.states.jobsWithUnfolded(FOLD_BATCH)) {
        if (this.stopping) return;
        await this.ending.foldJob(jobId);
      }
    } catch (error) {
      if (!this.stopping) this.logger.warn(`sweep failed: ${(error as Error).message}`);
    }
  }

  /** Stops sweeping and waits for a sweep in progress. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }
}
