import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Traced, setSpanAttributes } from '@cloud-inventory/observability';
import { generateId, ID_PREFIX } from '../common/ids';
import { pgError } from '../common/sql-rows';
import { CollectorEntity } from '../collector/collector.entity';
import { collectorOptionsOf } from '../collector/collector-options';
import { CollectorRepository } from '../collector/collector.repository';
import { secretSelectionFor } from '../collector/secret-selection';
import { JobTaskRepository, NewJobTask } from '../job-task/job-task.repository';
import { TaskQueueRepository } from '../job-task/task-queue.repository';
import { JobRepository, NewJob } from '../job/job.repository';
import { JobEntity } from '../job/job.entity';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretEntity } from '../secret/secret.entity';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { JobTraceRepository } from './job-trace.repository';

const GET_TASKS_CONCURRENCY = 8;

/** How a collect was started (stored on the job as its trigger). */
export type CollectTrigger = 'API' | 'SCHEDULE';

/** What a collect does when the collector's job for the same request is still running. */
export type WhenRunning = 'supersede' | 'refuse' | 'skip';

export interface CollectOptions {
  /** Collect with this one secret only. */
  secretId?: string;
  /** A workspace member's collect uses only its projects' secrets. */
  userProjects?: readonly string[];
  trigger: CollectTrigger;
  whenRunning: WhenRunning;
  /** The schedule slot a scheduled collect fires for (ours): one job per collector and slot. */
  scheduledAt?: Date;
}

export type CollectResult = { job: JobEntity } | { skipped: true; runningJobId: string };

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Starts a collect (DESIGN.md steps 1-2): picks the secrets, asks the plugin how to split each
 * one (Job.get_tasks), then creates the job, its tasks and their queue entries in one
 * transaction and answers at once; workers do the rest.
 */
@Injectable()
export class CollectService {
  private readonly logger = new Logger(CollectService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobRepository,
    private readonly jobTasks: JobTaskRepository,
    private readonly queue: TaskQueueRepository,
    private readonly collectors: CollectorRepository,
    private readonly secretRepository: SecretRepository,
    private readonly secrets: SecretService,
    private readonly plugins: PluginRegistryService,
    private readonly clients: PluginClients,
    private readonly jobTraces: JobTraceRepository,
  ) {}

  /**
   * Starts a collect of `collector`. A collector with a job still in progress for the same request
   * (same secret) is not started twice: `whenRunning` says what happens instead ('refuse': the
   * COLLECTOR_COLLECTING error; 'skip': `{skipped, runningJobId}`, for schedules). PostgreSQL's
   * unique index of running jobs decides, so two callers at once cannot both start one.
   *
   * A scheduled collect names its slot (`scheduledAt`): one job per collector and slot, whichever
   * scheduler replica asks and however often; asking again answers the slot's job.
   */
  @Traced('collect')
  async collect(collector: CollectorEntity, options: CollectOptions): Promise<CollectResult> {
    const secretId = options.secretId ?? '';
    if (options.whenRunning === 'supersede') {
      // the orchestration branch (issue 11 A) ends the running job CANCELED here, then starts
      throw new AppError(ErrorCode.UNIMPLEMENTED, 'Superseding a running collect is not implemented yet.');
    }
    if (options.scheduledAt) {
      const started = await this.jobs.findScheduled(collector.collector_id, options.scheduledAt);
      if (started) return { job: started };
    }
    // a running job is known before the plugin is asked for tasks; the index decides a race
    const running = await this.jobs.findRunning(collector.collector_id, secretId, '');
    if (running) return this.whenRunning(collector, running, options);

    const selected = await this.secretRepository.selectForCollect(secretSelectionFor(collector, secretId || undefined, options.userProjects));
    if (secretId && selected.length === 0) {
      throw AppError.notFound(
        'Secret',
        'secret_id',
        `${secretId}; it must be enabled and match the collector's provider, workspace and secret filter`,
      );
    }
    const plugin = await this.plugins.resolve(collector.plugin_id, 'COLLECTOR', 'plugin_info.plugin_id');
    const client = this.clients.collector(plugin);
    const pluginOptions = collectorOptionsOf(collector.plugin_info.options);
    const jobId = generateId(ID_PREFIX.job);
    setSpanAttributes({ 'inventory.collector_id': collector.collector_id, 'inventory.job_id': jobId });

    const tasks = (
      await mapLimited(selected, GET_TASKS_CONCURRENCY, async (secret: SecretEntity) => {
        const splits = await client.getTasks(pluginOptions, this.secrets.decrypt(secret), jobId);
        return (splits ?? [null]).map(
          (taskOptions): NewJobTask => ({
            job_task_id: generateId(ID_PREFIX.jobTask),
            secret_id: secret.secret_id,
            provider: secret.provider || collector.provider,
            task_options: taskOptions,
            workspace_id: secret.workspace_id,
            project_id: secret.project_id,
            service_account_id: secret.service_account_id,
          }),
        );
      })
    ).flat();

    try {
      const newJob: NewJob = {
        job_id: jobId,
        request_secret_id: secretId,
        request_workspace_id: '',
        resource_group: collector.resource_group,
        domain_id: collector.domain_id,
        workspace_id: collector.workspace_id,
        collector_id: collector.collector_id,
        plugin_id: collector.plugin_id,
        trigger: options.trigger,
        scheduled_at: options.scheduledAt ?? null,
      };
      const job = await this.dataSource.transaction(async (manager) => {
        const created = await this.jobs.insert(manager, newJob, tasks.length);
        await this.jobTasks.insertForJob(manager, newJob, tasks);
        await this.queue.enqueue(manager, tasks.map((task) => task.job_task_id));
        await this.jobTraces.save(manager, jobId);
        await this.collectors.touchLastCollected(manager, collector.collector_id);
        return created;
      });
      this.logger.log(`job ${jobId} of collector ${collector.collector_id} (${options.trigger}): ${tasks.length} task(s) queued`);
      return { job };
    } catch (error) {
      const constraint = pgError(error).constraint;
      if (constraint === 'UQ_job_schedule_slot' && options.scheduledAt) {
        const started = await this.jobs.findScheduled(collector.collector_id, options.scheduledAt);
        if (started) return { job: started };
      }
      if (constraint === 'UQ_job_running_per_collector') {
        const other = await this.jobs.findRunning(collector.collector_id, secretId, '');
        if (other) return this.whenRunning(collector, other, options);
      }
      throw error;
    }
  }

  private whenRunning(collector: CollectorEntity, running: JobEntity, options: CollectOptions): CollectResult {
    // the running job is this very slot's, started by another scheduler: not a skip
    if (options.scheduledAt && running.scheduled_at?.getTime() === options.scheduledAt.getTime()) return { job: running };
    if (options.whenRunning === 'skip') return { skipped: true, runningJobId: running.job_id };
    throw new AppError(ErrorCode.COLLECTOR_COLLECTING, `Collector ${collector.collector_id} is already collecting (job ${running.job_id}).`);
  }
}
