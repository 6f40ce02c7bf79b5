import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Traced, setSpanAttributes } from '@cloud-inventory/observability';
import { inventoryV1 } from '@cloud-inventory/proto';
import { generateId, ID_PREFIX } from '../common/ids';
import { pgError } from '../common/sql-rows';
import { CollectorEntity } from '../collector/collector.entity';
import { collectorOptionsOf } from '../collector/collector-options';
import { CollectorRepository } from '../collector/collector.repository';
import { secretSelectionFor } from '../collector/secret-selection';
import { JobTaskRepository, NewJobTask } from '../job-task/job-task.repository';
import { TaskQueueRepository } from '../job-task/task-queue.repository';
import { JobEntity } from '../job/job.entity';
import { toJobInfo } from '../job/job.mapper';
import { JobRepository, NewJob } from '../job/job.repository';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretEntity } from '../secret/secret.entity';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { JobTraceRepository } from './job-trace.repository';
import { INVENTORY_CONFIG, InventoryConfig, WhenRunning } from '../inventory.config';
import { JobStopper } from './job-stopper';

const GET_TASKS_CONCURRENCY = 8;

/** How a collect was started (stored on the job as its trigger): a call of Collector.collect, or a collector's schedule. */
export type CollectTrigger = 'API' | 'SCHEDULE';

export type { WhenRunning };

export interface CollectOptions {
  /** Only this secret (Collector.collect's secret_id); else every secret the collector selects. */
  secretId?: string;
  /** A workspace member's collect uses only its projects' secrets. */
  userProjects?: readonly string[];
  trigger: CollectTrigger;
  /**
   * While the collector's job of the same request (secret, workspace) still runs: `supersede`
   * cancels it and starts the new one (Cloudforet), `refuse` answers FAILED_PRECONDITION
   * ERROR_COLLECTOR_COLLECTING, `skip` starts nothing and names the running job (schedules).
   */
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

/** Attempts of a superseding collect that raced another collect of the same collector. */
const SUPERSEDE_ATTEMPTS = 3;

/** The most tasks of a collector running at once: the collector's own max_running_tasks and its plugin's announced concurrency, whichever is lower. */
export function collectorTaskCap(collector: CollectorEntity): number | null {
  const announced = collector.plugin_info?.metadata?.['concurrency'];
  const caps = [collector.max_running_tasks, typeof announced === 'number' || typeof announced === 'string' ? Number(announced) : null].filter(
    (cap): cap is number => typeof cap === 'number' && Number.isInteger(cap) && cap > 0,
  );
  return caps.length > 0 ? Math.min(...caps) : null;
}

/**
 * Starts a collect (DESIGN.md steps 1-2): picks the secrets, asks the plugin how to split each
 * one (Job.get_tasks), then creates the job, its tasks and their queue entries in one
 * transaction and answers at once; workers do the rest. A job of the collector still running for
 * the same request is superseded in that same transaction (or the collect refused or skipped, as
 * asked), so the running-job unique index never trips on a supersede.
 */
@Injectable()
export class CollectService {
  private readonly logger = new Logger(CollectService.name);

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
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
    private readonly stopper: JobStopper,
  ) {}

  /**
   * Collector.collect over the API: what to do with a running job is COLLECT_WHEN_RUNNING.
   * `userProjects`: a workspace member's collect uses only its projects' secrets.
   */
  async collectFromApi(collector: CollectorEntity, secretId: string, userProjects?: readonly string[]): Promise<inventoryV1.JobInfo> {
    const result = await this.collect(collector, { secretId: secretId || undefined, trigger: 'API', whenRunning: this.config.whenRunning, userProjects });
    if ('skipped' in result) {
      // the API answers with the job that runs (COLLECT_WHEN_RUNNING=skip)
      const running = await this.jobs.findOne(collector.domain_id, result.runningJobId);
      if (running) return toJobInfo(running);
      throw this.collecting(collector, result.runningJobId);
    }
    return toJobInfo(result.job);
  }

  /**
   * Starts a collect of `collector`. A collector with a job still in progress for the same request
   * (same secret) is superseded, refused or skipped as `whenRunning` says; PostgreSQL's unique
   * index of running jobs decides a race. A scheduled collect names its slot (`scheduledAt`): one
   * job per collector and slot, whichever scheduler replica asks and however often.
   */
  @Traced('collect')
  async collect(collector: CollectorEntity, options: CollectOptions): Promise<CollectResult> {
    const secretId = options.secretId ?? '';
    const requestKey = { collectorId: collector.collector_id, requestSecretId: secretId, requestWorkspaceId: '' };
    if (options.scheduledAt) {
      const started = await this.jobs.findScheduled(collector.collector_id, options.scheduledAt);
      if (started) return { job: started };
    }
    if (options.whenRunning !== 'supersede') {
      // a running job is known before the plugin is asked for tasks; the index decides a race
      const running = await this.jobs.findRunning(requestKey.collectorId, requestKey.requestSecretId, requestKey.requestWorkspaceId);
      if (running) return this.whenRunning(collector, running, options);
    }
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

    const newJob: NewJob = {
      job_id: jobId,
      request_secret_id: requestKey.requestSecretId,
      request_workspace_id: requestKey.requestWorkspaceId,
      resource_group: collector.resource_group,
      domain_id: collector.domain_id,
      workspace_id: collector.workspace_id,
      collector_id: collector.collector_id,
      plugin_id: collector.plugin_id,
      trigger: options.trigger,
      scheduled_at: options.scheduledAt ?? null,
    };
    const timeoutSeconds = collector.job_timeout ?? this.config.jobTimeoutSeconds;
    const queued = { job_id: jobId, domain_id: collector.domain_id, collector_id: collector.collector_id, max_running: collectorTaskCap(collector) };
    for (let attempt = 1; ; attempt++) {
      try {
        const { job, superseded } = await this.dataSource.transaction(async (manager) => {
          const stopped = options.whenRunning === 'supersede' ? await this.stopper.supersede(manager, requestKey, jobId) : undefined;
          const created = await this.jobs.insert(manager, newJob, tasks.length, timeoutSeconds);
          await this.jobTasks.insertForJob(manager, newJob, tasks);
          await this.queue.enqueue(manager, queued, tasks.map((task) => task.job_task_id));
          await this.jobTraces.save(manager, jobId);
          await this.collectors.touchLastCollected(manager, collector.collector_id);
          return { job: created, superseded: stopped };
        });
        if (superseded) await this.stopper.settle(superseded);
        const replaced = superseded?.folds.map((f) => f.jobId) ?? [];
        this.logger.log(
          `job ${jobId} of collector ${collector.collector_id} (${options.trigger}): ${tasks.length} task(s) queued` +
            (replaced.length ? `; it supersedes job ${replaced.join(', ')}, canceled` : ''),
        );
        return { job };
      } catch (error) {
        const constraint = pgError(error).constraint;
        if (constraint === 'UQ_job_schedule_slot' && options.scheduledAt) {
          const started = await this.jobs.findScheduled(collector.collector_id, options.scheduledAt);
          if (started) return { job: started };
        }
        if (constraint !== 'UQ_job_running_per_collector') throw error;
        // another collect of the collector committed its job first: supersede that one (a fresh
        // snapshot sees it), or refuse / skip as asked
        if (options.whenRunning === 'supersede' && attempt < SUPERSEDE_ATTEMPTS) continue;
        const running = await this.jobs.findRunning(requestKey.collectorId, requestKey.requestSecretId, requestKey.requestWorkspaceId);
        if (running) return this.whenRunning(collector, running, options);
        throw this.collecting(collector, '');
      }
    }
  }

  private whenRunning(collector: CollectorEntity, running: JobEntity, options: CollectOptions): CollectResult {
    // the running job is this very slot's, started by another scheduler: not a skip
    if (options.scheduledAt && running.scheduled_at?.getTime() === options.scheduledAt.getTime()) return { job: running };
    if (options.whenRunning === 'skip') {
      this.logger.log(`collect of collector ${collector.collector_id} (${options.trigger}) skipped: job ${running.job_id} still runs`);
      return { skipped: true, runningJobId: running.job_id };
    }
    throw this.collecting(collector, running.job_id);
  }

  private collecting(collector: CollectorEntity, runningJobId: string): AppError {
    return new AppError(
      ErrorCode.COLLECTOR_COLLECTING,
      `Collector ${collector.collector_id} is already collecting (job ${runningJobId || 'in progress'}).`,
    );
  }
}
