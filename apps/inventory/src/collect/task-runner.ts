import { Inject, Injectable, Logger } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { AppError, isServiceError } from '@cloud-inventory/grpc';
import { inSpan, setSpanAttributes } from '@cloud-inventory/observability';
import { redactText, secretStrings } from '../common/redact';
import { collectorOptionsOf } from '../collector/collector-options';
import { CollectorEntity } from '../collector/collector.entity';
import { CollectorRepository } from '../collector/collector.repository';
import { Batch } from '../ingest/batcher';
import { IngestAborted, StreamIdle, runIngestPipeline } from '../ingest/ingest-pipeline';
import { IngestContext, IngestRepository, TaskLostError } from '../ingest/ingest.repository';
import { normalizeResource } from '../ingest/resource-normalizer';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { JobTaskEntity } from '../job-task/job-task.entity';
import { TaskErrorCode } from '../job-task/task-error-code';
import { ClaimedTask } from '../job-task/task-queue.repository';
import { TaskOutcome, TaskStateRepository } from '../job-task/task-state.repository';
import { countPluginCallError } from '../plugin/plugin-call.metrics';
import { PluginClients } from '../plugin/plugin-clients';
import { pluginCallError } from '../plugin/plugin-errors';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { RegisteredPluginEntity } from '../plugin/registered-plugin.entity';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { JobTraceRepository } from './job-trace.repository';
import { StorageExporter, StorageExporters } from './storage-exporter';
import { FinishedTask, TaskEnding } from './task-ending';
import { TaskFailure, taskError } from './task-failure';

/** Why a running task was stopped from outside its stream: its lease was taken over, its process shuts down, or its job was stopped (canceled, superseded, timed out: the task has already ended). */
export type StopReason = 'lease-lost' | 'shutdown' | 'canceled';

/**
 * Runs one claimed job task, its lifecycle only: starts it, opens the collector plugin's
 * `collect` stream with a deadline and an idle timeout, hands it to the ingest pipeline (which
 * writes it in batches, each also exported to the storage plugin when the collector names one),
 * and ends the task through TaskEnding with the outcome, its error classified. The storage
 * exporter is resolved once per task and serves both the success and the failure path (and the
 * job's end, when this task's ending finishes it).
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger(TaskRunner.name);

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly states: TaskStateRepository,
    private readonly ending: TaskEnding,
    private readonly ingest: IngestRepository,
    private readonly collectors: CollectorRepository,
    private readonly secretRepository: SecretRepository,
    private readonly secrets: SecretService,
    private readonly plugins: PluginRegistryService,
    private readonly clients: PluginClients,
    private readonly exporters: StorageExporters,
    private readonly jobTraces: JobTraceRepository,
  ) {}

  /** Runs the task in a span of the trace its collect started in (when tracing is on). */
  async run(claimed: ClaimedTask, owner: string, signal: AbortSignal): Promise<void> {
    const parent = await this.jobTraces.parentOfTask(claimed.job_task_id);
    await inSpan(
      'job_task',
      { 'inventory.job_task_id': claimed.job_task_id, 'inventory.attempt': claimed.attempts },
      () => this.runTask(claimed, owner, signal),
      parent,
    );
  }

  private async runTask(claimed: ClaimedTask, owner: string, signal: AbortSignal): Promise<void> {
    const id = claimed.job_task_id;
    if (claimed.attempts > this.config.worker.maxAttempts) {
      await this.end(id, {
        status: 'FAILURE',
        error: taskError(
          TaskErrorCode.TASK_ABANDONED,
          `The task was started ${claimed.attempts - 1} times and its worker stopped each time before it ended.`,
        ),
      });
      return;
    }
    if (signal.aborted) return;
    const started = await this.states.start(id, claimed.attempts);
    if (!started) return;
    const { task } = started;
    if (started.jobStatus !== 'IN_PROGRESS') {
      await this.end(id, { status: 'CANCELED', error: taskError(TaskErrorCode.COLLECT_CANCELED, `The job is ${started.jobStatus}.`) });
      return;
    }

    let secretValues: string[] = [];
    let storage: Promise<StorageExporter | undefined> | undefined;
    let collector: CollectorEntity | null = null;
    const storageOf = (of: CollectorEntity) => (storage ??= this.exporters.forCollector(of));
    try {
      collector = await this.collectors.findOne(task.domain_id, task.collector_id);
      if (!collector) throw new TaskFailure(TaskErrorCode.NO_COLLECTOR, `Collector ${task.collector_id} no longer exists.`);
      const secret = await this.secretRepository.findOne(task.domain_id, task.secret_id);
      if (!secret || secret.state !== 'ENABLED') {
        throw new TaskFailure(TaskErrorCode.COLLECTOR_SECRET, `Secret ${task.secret_id} no longer exists or is disabled.`);
      }
      const secretData = this.secrets.decrypt(secret);
      secretValues = secretStrings(secretData);
      const plugin = await this.plugins.resolve(collector.plugin_id, 'COLLECTOR', 'plugin_info.plugin_id');
      const exporter = await storageOf(collector);
      await this.collect(task, owner, collector, plugin, secretData, secretValues, exporter, signal);
      await this.end(id, { status: 'SUCCESS', leaseOwner: owner }, exporter);
    } catch (error) {
      const failed = collector;
      await this.fail(id, owner, error, secretValues, failed ? () => storageOf(failed) : undefined);
    }
  }

  /** The collect stream, through the ingest pipeline. */
  private async collect(
    task: JobTaskEntity,
    owner: string,
    collector: CollectorEntity,
    plugin: RegisteredPluginEntity,
    secretData: Record<string, unknown>,
    secretValues: string[],
    exporter: StorageExporter | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const context: IngestContext = {
      job_task_id: task.job_task_id,
      job_id: task.job_id,
      collector_id: task.collector_id,
      secret_id: task.secret_id,
      domain_id: task.domain_id,
      workspace_id: task.workspace_id,
      service_account_id: task.service_account_id,
      project_id: task.project_id,
      lease_owner: owner,
    };
    const client = this.clients.collector(plugin);
    // a collector plugin restarted a moment ago is reached, not reported unreachable
    await client.whenReachable();
    const openStream = () =>
      client.collect(
        {
          options: collectorOptionsOf(collector.plugin_info.options),
          secret_data: secretData,
          filter: {},
          task_options: task.task_options,
        },
        this.config.collectDeadlineMs,
        task.job_task_id,
      );
    const redact = (text: string) => redactText(text, secretValues);
    const write = (batch: Batch) =>
      inSpan('ingest.batch', { 'inventory.resources': batch.resources.length, 'inventory.failures': batch.failures.length }, async () => {
        await this.ingest.writeBatch(context, batch.resources, batch.failures);
        if (exporter && batch.resources.length > 0) await exporter.exportBatch(context, batch);
      });
    try {
      await inSpan('plugin.collect', { 'inventory.plugin_id': plugin.plugin_id, 'rpc.system': 'grpc', 'rpc.method': 'collect' }, () =>
        runIngestPipeline(openStream(), (info) => normalizeResource(info, context, redact, this.config.ingest), write, signal, {
          ...this.config.ingest,
          idleTimeoutMs: this.config.collectIdleTimeoutMs,
        }),
      );
    } catch (error) {
      if (isServiceError(error)) countPluginCallError(plugin.plugin_id, 'collect', error);
      if (isServiceError(error) && error.code !== GrpcStatus.DEADLINE_EXCEEDED) {
        const failure = pluginCallError(plugin.plugin_id, plugin.endpoint, 'collect', error, secretValues);
        throw new TaskFailure(TaskErrorCode.COLLECTOR_PLUGIN, failure.message);
      }
      throw error;
    }
  }

  private async fail(
    id: string,
    owner: string,
    error: unknown,
    secretValues: string[],
    storage: (() => Promise<StorageExporter | undefined>) | undefined,
  ): Promise<void> {
    if (error instanceof IngestAborted || error instanceof TaskLostError) {
      this.logger.log(`job task ${id} stopped (${error instanceof IngestAborted ? String(error.reason) : 'lost'})`);
      return;
    }
    const outcome = this.outcomeOf(error, secretValues);
    const exporter = storage ? await storage().catch(() => undefined) : undefined;
    await this.end(id, { ...outcome, leaseOwner: owner }, exporter);
  }

  private outcomeOf(error: unknown, secretValues: string[]): TaskOutcome {
    if (error instanceof StreamIdle) {
      return {
        status: 'TIMEOUT',
        error: taskError(TaskErrorCode.COLLECT_IDLE, `The collector plugin sent nothing for ${error.idleMs / 1000} s (idle timeout); the stream was cut off.`),
      };
    }
    if (isServiceError(error) && error.code === GrpcStatus.DEADLINE_EXCEEDED) {
      return {
        status: 'TIMEOUT',
        error: taskError(TaskErrorCode.COLLECT_TIMEOUT, `The collect stream did not end within ${this.config.collectDeadlineMs / 1000} s.`),
      };
    }
    if (error instanceof TaskFailure || error instanceof AppError) {
      return { status: 'FAILURE', error: taskError(error.code, redactText(error.message, secretValues)) };
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, 'job task failed');
    return { status: 'FAILURE', error: taskError(TaskErrorCode.INTERNAL, `The task failed on an internal error (error_id = ${errorId}).`) };
  }

  private async end(id: string, outcome: TaskOutcome, exporter?: StorageExporter): Promise<FinishedTask | null> {
    const finished = await this.ending.finish(id, outcome, exporter);
    if (finished) {
      setSpanAttributes({ 'inventory.job_id': finished.task.job_id, 'inventory.task_status': finished.task.status });
      this.logger.log(
        `job task ${id} ${finished.task.status}: created ${finished.task.created_count}, updated ${finished.task.updated_count}, ` +
          `failed ${finished.task.failure_count}, disconnected ${finished.task.disconnected_count}` +
          (finished.jobFinished && finished.job ? `; job ${finished.job.job_id} ${finished.job.status}` : ''),
      );
    }
    return finished;
  }
}
