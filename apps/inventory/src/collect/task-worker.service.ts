import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DATABASE_URL } from '../common/database-url';
import { INVENTORY_CONFIG, InventoryConfig, hasRole } from '../inventory.config';
import { ClaimedTask, TASK_QUEUE_CHANNEL, TaskQueueRepository } from '../job-task/task-queue.repository';
import { TASK_CANCEL_CHANNEL } from '../job-task/task-state.repository';
import { StopReason, TaskRunner } from './task-runner';

/**
 * The lease a worker takes on a task: TASK_LEASE_SECONDS promises that a task whose worker died runs
 * again within that time, and another worker sees an expired lease only at its next poll. So the
 * lease is two polls shorter (one poll late, one of slack for the claim itself), but never below
 * half of TASK_LEASE_SECONDS (renewed every third of it, it cannot lapse while the worker lives).
 */
export function leaseTakenSeconds(worker: { leaseSeconds: number; pollMs: number }): number {
  return Math.max(worker.leaseSeconds / 2, worker.leaseSeconds - (2 * worker.pollMs) / 1000);
}

interface Running {
  jobId: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Claims job tasks from the Postgres queue and runs them, up to WORKER_CONCURRENCY at once per
 * process (only with the `worker` role). Woken by NOTIFY when tasks are queued or handed back,
 * and polling as a fallback; renews the leases of running tasks and stops a task whose lease was
 * taken over. A job stopped elsewhere (canceled, superseded, timed out) is announced on
 * TASK_CANCEL_CHANNEL: its running streams are stopped at once. Any number of inventory processes
 * can run workers against one database.
 *
 * On shutdown it stops claiming, stops its streams, lets the batches being written commit (within
 * the grace) and hands its tasks back at once, so another replica continues them.
 */
@Injectable()
export class TaskWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TaskWorker.name);
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, Running>();
  private listener?: Client;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private claiming?: Promise<void>;
  private wanted = false;
  private stopping = false;
  private stopped?: Promise<void>;
  private readonly leaseSeconds: number;

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly queue: TaskQueueRepository,
    private readonly runner: TaskRunner,
  ) {
    this.leaseSeconds = leaseTakenSeconds(config.worker);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!hasRole(this.config, 'worker')) return;
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), this.config.worker.pollMs);
    const heartbeatMs = Math.max(1000, (this.config.worker.leaseSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.logger.log(`worker ${this.owner}: up to ${this.config.worker.concurrency} tasks at once`);
    this.wake();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'inventory-worker-listen' });
    client.on('notification', (message) => {
      if (message.channel === TASK_CANCEL_CHANNEL && message.payload) this.stopJob(message.payload);
      else this.wake();
    });
    client.on('error', (error) => {
      // polling and lease renewal carry on; try to listen again a little later
      if (this.stopping) return;
      this.logger.warn(`queue listener lost: ${error.message}`);
      this.listener = undefined;
      setTimeout(() => void this.listen().catch(() => undefined), 2000);
    });
    await client.connect();
    await client.query(`LISTEN ${TASK_QUEUE_CHANNEL}`);
    await client.query(`LISTEN ${TASK_CANCEL_CHANNEL}`);
    if (this.stopping) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
  }

  /** Claims as many tasks as there are free slots. */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.wanted = true;
      return;
    }
    const free = this.config.worker.concurrency - this.running.size;
    if (free <= 0) return;
    this.claiming = this.queue
      .claim(this.owner, free, this.leaseSeconds, { domainMaxRunning: this.config.worker.domainMaxRunningTasks })
      .then((claimed) => {
        for (const task of claimed) this.start(task);
        if (claimed.length === free) this.wanted = true;
      })
      .catch((error) => {
        if (!this.stopping) this.logger.warn(`claiming tasks failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.claiming = undefined;
        if (this.wanted) {
          this.wanted = false;
          setImmediate(() => this.wake());
        }
      });
  }

  private start(task: ClaimedTask): void {
    if (this.stopping) {
      // claimed while shutting down: straight back to the queue
      void this.queue.release(this.owner, [task.job_task_id]).catch(() => undefined);
      return;
    }
    const controller = new AbortController();
    const done = this.runner
      .run(task, this.owner, controller.signal)
      .catch((error) => this.logger.error(`job task ${task.job_task_id} crashed the runner: ${(error as Error).message}`))
      .finally(() => {
        this.running.delete(task.job_task_id);
        this.wake();
      });
    this.running.set(task.job_task_id, { jobId: task.job_id, controller, done });
  }

  private stop(jobTaskId: string, reason: StopReason): void {
    this.running.get(jobTaskId)?.controller.abort(reason);
  }

  /** A job was stopped elsewhere: its tasks here stop streaming (they have already ended). */
  private stopJob(jobId: string): void {
    for (const [id, task] of this.running) {
      if (task.jobId !== jobId) continue;
      this.logger.log(`job task ${id}: its job ${jobId} was stopped, stopping its stream`);
      this.stop(id, 'canceled');
    }
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    try {
      const lost = await this.queue.renew(this.owner, ids, this.leaseSeconds);
      for (const id of lost) {
        if (!this.running.has(id)) continue;
        this.logger.warn(`job task ${id}: lease lost, stopping it here`);
        this.stop(id, 'lease-lost');
      }
    } catch (error) {
      this.logger.warn(`renewing leases failed: ${(error as Error).message}`);
    }
  }

  /**
   * Stops claiming, stops the running streams, waits (at most `graceMs`) for the batches being
   * written to commit, and hands the tasks back to the queue at once. Idempotent.
   */
  shutdown(graceMs = this.config.shutdownGraceMs): Promise<void> {
    this.stopped ??= this.drain(graceMs);
    return this.stopped;
  }

  private async drain(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    await this.claiming;
    const running = [...this.running.entries()];
    for (const [id] of running) this.stop(id, 'shutdown');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const finished = await Promise.race([Promise.all(running.map(([, task]) => task.done)).then(() => 'done' as const), grace]);
    clearTimeout(timer);
    if (finished === 'late') this.logger.warn(`shutdown: ${this.running.size} task(s) still writing after ${graceMs} ms; handing them back anyway`);
    const ids = running.map(([id]) => id);
    const released = await this.queue.release(this.owner, ids).catch((error: Error) => {
      this.logger.warn(`shutdown: handing tasks back failed (${error.message}); they are claimed again when their leases expire`);
      return 0;
    });
    if (ids.length > 0) this.logger.log(`shutdown: ${released} task(s) handed back to the queue`);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (hasRole(this.config, 'worker')) await this.shutdown();
  }
}
