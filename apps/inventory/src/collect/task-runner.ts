import { Inject, Injectable, Logger } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { AppError, isServiceError } from '@cloud-inventory/grpc';
import type { ResourceInfoMessage } from '@cloud-inventory/wire';
import { redactText, secretStrings } from '../common/redact';
import { CollectorRepository } from '../collector/collector.repository';
import { storageOptionOf, collectorOptionsOf } from '../collector/collector-options';
import { Batch, Batcher } from '../ingest/batcher';
import { RESOURCE_TYPE_OF_KIND } from '../cloud-service/resource-kinds';
import { IngestContext, IngestRepository, TaskLostError } from '../ingest/ingest.repository';
import { normalizeResource } from '../ingest/resource-normalizer';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import type { JobTaskError } from '../job-task/job-task.entity';
import { PluginClients, StoragePluginClient } from '../plugin/plugin-clients';
import { pluginCallError } from '../plugin/plugin-errors';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { ClaimedTask } from '../job-task/task-queue.repository';
import { TaskOutcome, TaskStateRepository } from '../job-task/task-state.repository';
import { TaskEnding } from './task-ending';

/** Why a running task was stopped from outside its stream. */
export type StopReason = 'lease-lost' | 'shutdown';

class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`task stopped: ${reason}`);
  }
}

/** A task failure with the error code Cloudforet would record on the task. */
class TaskFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function taskError(code: string, message: string): JobTaskError {
  return { error_code: code, message, additional: {} };
}

/**
 * Runs one claimed job task: starts it, streams `collect` from the collector plugin with a
 * deadline, writes the stream in batches (reading goes on while the previous batch is written,
 * and stops when two are waiting: gRPC flow control then holds the plugin back), forwards each
 * written batch to the storage plugin, and ends the task through TaskEnding.
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger(TaskRunner.name);

  constructor(
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly taskState: TaskStateRepository,
    private readonly ending: TaskEnding,
    private readonly ingest: IngestRepository,
    private readonly collectors: CollectorRepository,
    private readonly secretRepository: SecretRepository,
    private readonly secrets: SecretService,
    private readonly plugins: PluginRegistryService,
    private readonly clients: PluginClients,
  ) {}

  async run(claimed: ClaimedTask, owner: string, signal: AbortSignal): Promise<void> {
    const id = claimed.job_task_id;
    if (claimed.attempts > this.config.worker.maxAttempts) {
      await this.end(id, {
        status: 'FAILURE',
        error: taskError(
          'ERROR_TASK_ABANDONED',
          `The task was started ${claimed.attempts - 1} times and its worker stopped each time before it ended.`,
        ),
      });
      return;
    }
    const started = await this.taskState.start(id, claimed.attempts);
    if (!started) return;
    const { task } = started;
    if (started.jobStatus !== 'IN_PROGRESS') {
      await this.end(id, { status: 'CANCELED', error: taskError('ERROR_COLLECT_CANCELED', `The job is ${started.jobStatus}.`) });
      return;
    }

    let secretValues: string[] = [];
    try {
      const collector = await this.collectors.findOne(task.domain_id, task.collector_id);
      if (!collector) throw new TaskFailure('ERROR_NO_COLLECTOR', `Collector ${task.collector_id} no longer exists.`);
      const secret = await this.secretRepository.findOne(task.domain_id, task.secret_id);
      if (!secret || secret.state !== 'ENABLED') {
        throw new TaskFailure('ERROR_COLLECTOR_SECRET', `Secret ${task.secret_id} no longer exists or is disabled.`);
      }
      const secretData = this.secrets.decrypt(secret);
      secretValues = secretStrings(secretData);
      const plugin = await this.plugins.resolve(collector.plugin_id, 'COLLECTOR', 'plugin_info.plugin_id');
      const storage = storageOptionOf(collector.plugin_info.options);
      const storageClient = storage
        ? this.clients.storage(await this.plugins.resolve(storage.plugin_id, 'STORAGE', 'plugin_info.options.storage_plugin.plugin_id'))
        : undefined;

      const context: IngestContext = {
        job_task_id: id,
        job_id: task.job_id,
        collector_id: task.collector_id,
        secret_id: task.secret_id,
        domain_id: task.domain_id,
        workspace_id: task.workspace_id,
        service_account_id: task.service_account_id,
        project_id: task.project_id,
        lease_owner: owner,
      };
      const stream = this.clients.collector(plugin).collect(
        {
          options: collectorOptionsOf(collector.plugin_info.options),
          secret_data: secretData,
          filter: {},
          task_options: task.task_options,
        },
        this.config.collectDeadlineMs,
        id,
      );
      const exportBatch = storageClient
        ? (batch: Batch) => this.export(storageClient, storage!.options, context, batch)
        : undefined;
      try {
        await this.consume(stream, context, signal, secretValues, exportBatch);
      } catch (error) {
        if (isServiceError(error) && error.code !== GrpcStatus.DEADLINE_EXCEEDED) {
          const failure = pluginCallError(plugin.plugin_id, plugin.endpoint, 'collect', error, secretValues);
          throw new TaskFailure('ERROR_COLLECTOR_PLUGIN', failure.message);
        }
        throw error;
      }
      const finished = await this.end(id, { status: 'SUCCESS', leaseOwner: owner });
      if (finished?.jobFinished && storageClient) await this.exportJobFinished(storageClient, storage!.options, finished.job);
    } catch (error) {
      await this.fail(id, owner, error, secretValues);
    }
  }

  private async consume(
    stream: AsyncIterable<ResourceInfoMessage> & { cancel(): void },
    context: IngestContext,
    signal: AbortSignal,
    secretValues: string[],
    exportBatch?: (batch: Batch) => Promise<void>,
  ): Promise<void> {
    const batcher = new Batcher(this.config.ingest.batchSize, this.config.ingest.batchMaxWaitMs);
    const redact = (text: string) => redactText(text, secretValues);
    // Up to INGEST_WRITERS batches are written at once (each on its own connection, so Postgres can
    // use another core), reading goes on meanwhile, and it waits when one more batch is ready:
    // memory holds at most writers + 1 batches, and gRPC flow control holds the plugin back.
    // Concurrent batches of one task take row locks in identity order, so they cannot deadlock.
    const writers = this.config.ingest.writers;
    const inFlight = new Set<Promise<void>>();
    let writeError: unknown;
    const settled = () => Promise.all(inFlight).then(() => undefined);
    const flush = async (): Promise<void> => {
      const batch = batcher.take();
      if (batch.resources.length === 0 && batch.failures.length === 0) return;
      while (inFlight.size >= writers) await Promise.race(inFlight);
      if (writeError) return;
      const write = (async () => {
        try {
          await this.ingest.writeBatch(context, batch.resources, batch.failures);
          if (exportBatch && batch.resources.length > 0) await exportBatch(batch);
        } catch (error) {
          writeError ??= error;
          stream.cancel();
        }
      })();
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
    };
    const onAbort = () => stream.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    // a stream that goes quiet still gets its partial batch written
    const idleFlush = setInterval(() => {
      if (batcher.isFull()) void flush();
    }, Math.max(50, Math.floor(this.config.ingest.batchMaxWaitMs / 2)));
    try {
      try {
        for await (const info of stream) {
          if (writeError) break;
          const item = normalizeResource(info, context, redact);
          if (batcher.conflicts(item)) await flush();
          batcher.add(item);
          if (batcher.isFull()) await flush();
        }
      } catch (error) {
        // a write failure cancels the stream: report the write failure, not the cancellation
        if (!writeError && !signal.aborted) throw error;
      }
      if (!writeError && !signal.aborted) await flush();
      await settled();
      if (signal.aborted) throw new Stopped(signal.reason as StopReason);
      if (writeError) throw writeError;
    } catch (error) {
      stream.cancel();
      await settled();
      throw error;
    } finally {
      clearInterval(idleFlush);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async export(client: StoragePluginClient, options: Record<string, unknown>, context: IngestContext, batch: Batch) {
    const byType = new Map<string, Buffer[]>();
    for (const item of batch.resources) {
      const type = RESOURCE_TYPE_OF_KIND[item.kind];
      const list = byType.get(type);
      if (list) list.push(item.source);
      else byType.set(type, [item.source]);
    }
    for (const [resourceType, resources] of byType) {
      const header = {
        kind: 'resources',
        job_id: context.job_id,
        job_task_id: context.job_task_id,
        collector_id: context.collector_id,
        domain_id: context.domain_id,
        resource_type: resourceType,
      };
      await client.exportResources(options, header, resources, context.job_task_id).catch((error) => {
        throw new TaskFailure('ERROR_STORAGE_PLUGIN', (error as Error).message);
      });
    }
  }

  private async exportJobFinished(
    client: StoragePluginClient,
    options: Record<string, unknown>,
    job: { job_id: string; collector_id: string; domain_id: string; status: string },
  ) {
    try {
      await client.export(
        options,
        { kind: 'job_finished', job_id: job.job_id, collector_id: job.collector_id, domain_id: job.domain_id, status: job.status },
        job.job_id,
      );
    } catch (error) {
      this.logger.warn(`storage plugin could not close the export of job ${job.job_id}: ${(error as Error).message}`);
    }
  }

  private async fail(id: string, owner: string, error: unknown, secretValues: string[]): Promise<void> {
    if (error instanceof Stopped || error instanceof TaskLostError) {
      this.logger.log(`job task ${id} stopped (${error instanceof Stopped ? error.reason : 'lost'})`);
      return;
    }
    const outcome = this.outcomeOf(error, secretValues);
    const finished = await this.end(id, { ...outcome, leaseOwner: owner });
    if (finished?.jobFinished) {
      const collector = await this.collectors.findOne(finished.job.domain_id, finished.job.collector_id).catch(() => null);
      const storage = collector ? storageOptionOf(collector.plugin_info.options) : null;
      if (storage) {
        const plugin = await this.plugins.resolve(storage.plugin_id, 'STORAGE', 'storage_plugin').catch(() => null);
        if (plugin) await this.exportJobFinished(this.clients.storage(plugin), storage.options, finished.job);
      }
    }
  }

  private outcomeOf(error: unknown, secretValues: string[]): TaskOutcome {
    if (isServiceError(error) && error.code === GrpcStatus.DEADLINE_EXCEEDED) {
      return {
        status: 'TIMEOUT',
        error: taskError('ERROR_COLLECT_TIMEOUT', `The collect stream did not end within ${this.config.collectDeadlineMs / 1000} s.`),
      };
    }
    if (error instanceof TaskFailure) {
      return { status: 'FAILURE', error: taskError(error.code, redactText(error.message, secretValues)) };
    }
    if (error instanceof AppError) {
      return { status: 'FAILURE', error: taskError(error.code, redactText(error.message, secretValues)) };
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, 'job task failed');
    return { status: 'FAILURE', error: taskError('ERROR_INTERNAL', `The task failed on an internal error (error_id = ${errorId}).`) };
  }

  private async end(id: string, outcome: TaskOutcome) {
    const finished = await this.ending.finish(id, outcome);
    if (finished) {
      this.logger.log(
        `job task ${id} ${finished.task.status}: created ${finished.task.created_count}, updated ${finished.task.updated_count}, ` +
          `failed ${finished.task.failure_count}, disconnected ${finished.task.disconnected_count}` +
          (finished.jobFinished ? `; job ${finished.job.job_id} ${finished.job.status}` : ''),
      );
    }
    return finished;
  }
}
