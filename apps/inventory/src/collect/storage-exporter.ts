import { Injectable, Logger } from '@nestjs/common';
import { inSpan } from '@cloud-inventory/observability';
import { RESOURCE_TYPE_OF_KIND } from '../cloud-service/resource-kinds';
import { storageOptionOf } from '../collector/collector-options';
import { CollectorEntity } from '../collector/collector.entity';
import { Batch } from '../ingest/batcher';
import { TaskErrorCode } from '../job-task/task-error-code';
import { StoragePluginClient, PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { storageExportSeconds } from './collect.metrics';
import { TaskFailure } from './task-failure';

/** Which task a batch comes from, as the export's header says. */
export interface ExportedTask {
  job_id: string;
  job_task_id: string;
  collector_id: string;
  domain_id: string;
}

/**
 * A collector's storage plugin, resolved once for a task: each written batch goes to it (the
 * resources' bytes as the collector plugin sent them, one export per resource type), and the
 * task that finishes its job says so, on success and on failure alike.
 */
export class StorageExporter {
  private readonly logger = new Logger(StorageExporter.name);

  constructor(
    private readonly client: StoragePluginClient,
    private readonly options: Record<string, unknown>,
  ) {}

  /** Exports a written batch; a refusal fails the task (ERROR_STORAGE_PLUGIN). */
  async exportBatch(task: ExportedTask, batch: Batch): Promise<void> {
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
        job_id: task.job_id,
        job_task_id: task.job_task_id,
        collector_id: task.collector_id,
        domain_id: task.domain_id,
        resource_type: resourceType,
      };
      const attributes = { 'inventory.plugin_id': this.client.plugin.plugin_id, 'inventory.resource_type': resourceType, 'inventory.resources': resources.length };
      await inSpan('storage.export', attributes, async () => {
        const timer = storageExportSeconds.startTimer();
        try {
          await this.client.exportResources(this.options, header, resources, task.job_task_id);
          timer({ outcome: 'ok' });
        } catch (error) {
          timer({ outcome: 'error' });
          throw new TaskFailure(TaskErrorCode.STORAGE_PLUGIN, (error as Error).message);
        }
      });
    }
  }

  /** Tells the storage plugin a job is finished; a failure is logged, the job stays as it ended. */
  async exportJobFinished(job: { job_id: string; collector_id: string; domain_id: string; status: string }): Promise<void> {
    try {
      await this.client.export(
        this.options,
        { kind: 'job_finished', job_id: job.job_id, collector_id: job.collector_id, domain_id: job.domain_id, status: job.status },
        job.job_id,
      );
    } catch (error) {
      this.logger.warn(`storage plugin could not close the export of job ${job.job_id}: ${(error as Error).message}`);
    }
  }
}

/** Resolves a collector's storage plugin (plugin_info.options.storage_plugin) into its exporter. */
@Injectable()
export class StorageExporters {
  constructor(
    private readonly plugins: PluginRegistryService,
    private readonly clients: PluginClients,
  ) {}

  /** The exporter of the collector's storage plugin; undefined when it names none. Throws when the plugin is not registered. */
  async forCollector(collector: CollectorEntity): Promise<StorageExporter | undefined> {
    const storage = storageOptionOf(collector.plugin_info.options);
    if (!storage) return undefined;
    const plugin = await this.plugins.resolve(storage.plugin_id, 'STORAGE', 'plugin_info.options.storage_plugin.plugin_id');
    return new StorageExporter(this.clients.storage(plugin), storage.options);
  }
}
