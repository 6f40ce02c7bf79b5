import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DATABASE_URL } from '../common/database-url';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { TASK_QUEUE_CHANNEL, TaskQueueRepository } from '../job-task/task-queue.repository';
import { StopReason, TaskRunner } from './task-runner';

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Claims job tasks from the Postgres queue and runs them, up to WORKER_CONCURRENCY at once per
 * process. Woken by NOTIFY when a job is created, and polling as a fallback; renews the leases
 * of running tasks, and stops a task whose lease was taken over. Any number of inventory
 * processes can run workers against one database.
 */
@Injectable()
export class TaskWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TaskWorker.name);
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, Running>();
  private listener?: Client;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private claiming = false;
  private wanted = false;
  private stopping = false;

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly queue: TaskQueueRepository,
    private readonly runner: TaskRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.worker.enabled) return;
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), this.config.worker.pollMs);
    const heartbeatMs = Math.max(1000, (this.config.worker.leaseSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.logger.log(`worker ${this.owner}: up to ${this.config.worker.concurrency} tasks at once`);
    this.wake();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'inventory-worker-listen' });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      // polling carries on; try to listen again a little later
      this.logger.warn(`queue listener lost: ${error.message}`);
      this.listener = undefined;
      if (!this.stopping) setTimeout(() => void this.listen().catch(() => undefined), 2000);
    });
    await client.connect();
    await client.query(`LISTEN ${TASK_QUEUE_CHANNEL}`);
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
    this.claiming = true;
    this.queue
      .claim(this.owner, free, this.config.worker.leaseSeconds)
      .then((claimed) => {
        for (const task of claimed) this.start(task);
        if (claimed.length === free) this.wanted = true;
      })
      .catch((error) => this.logger.warn(`claiming tasks failed: ${(error as Error).message}`))
      .finally(() => {
        this.claiming = false;
        if (this.wanted) {
          this.wanted = false;
          setImmediate(() => this.wake());
        }
      });
  }

  private start(task: { job_task_id: string; attempts: number }): void {
    const controller = new AbortController();
    const done = this.runner
      .run(task, this.owner, controller.signal)
      .catch((error) => this.logger.error(`job task ${task.job_task_id} crashed the runner: ${(error as Error).message}`))
      .finally(() => {
        this.running.delete(task.job_task_id);
        this.wake();
      });
    this.running.set(task.job_task_id, { controller, done });
  }

  private stop(jobTaskId: string, reason: StopReason): void {
    this.running.get(jobTaskId)?.controller.abort(reason);
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    try {
      const lost = await this.queue.renew(this.owner, ids, this.config.worker.leaseSeconds);
      for (const id of lost) {
        if (!this.running.has(id)) continue;
        this.logger.warn(`job task ${id}: lease lost, stopping it here`);
        this.stop(id, 'lease-lost');
      }
    } catch (error) {
      this.logger.warn(`renewing leases failed: ${(error as Error).message}`);
    }
  }

  /** Stops claiming, stops the running streams and hands their tasks back to the queue. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    const running = [...this.running.entries()];
    for (const [id] of running) this.stop(id, 'shutdown');
    await Promise.all(running.map(([, task]) => task.done));
    await Promise.all(running.map(([id]) => this.queue.release(this.owner, id).catch(() => undefined)));
    await this.listener?.end().catch(() => undefined);
  }
}
