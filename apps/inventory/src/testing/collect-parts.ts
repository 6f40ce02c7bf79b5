import { DataSource } from 'typeorm';
import { JobStopper } from '../collect/job-stopper';
import { StorageExporters } from '../collect/storage-exporter';
import { TaskEnding } from '../collect/task-ending';
import { CollectorRepository } from '../collector/collector.repository';
import { IngestRepository } from '../ingest/ingest.repository';
import { InventoryConfig } from '../inventory.config';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { JobRepository } from '../job/job.repository';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryRepository } from '../plugin/plugin-registry.repository';
import { PluginRegistryService } from '../plugin/plugin-registry.service';

export interface CollectParts {
  states: TaskStateRepository;
  ingest: IngestRepository;
  ending: TaskEnding;
  stopper: JobStopper;
}

/**
 * The state machine, ingest, task endings and job stops on one pool, wired as the app wires them.
 * `exporters` defaults to the real resolver on this database's plugin registry (a collector that
 * names no storage plugin never reaches it).
 */
export function collectParts(dataSource: DataSource, config: InventoryConfig, exporters?: StorageExporters): CollectParts {
  const states = new TaskStateRepository(dataSource, config);
  const ingest = new IngestRepository(dataSource, config, states);
  const storage =
    exporters ?? new StorageExporters(new PluginRegistryService(new PluginRegistryRepository(dataSource), config), new PluginClients(config));
  const ending = new TaskEnding(dataSource, states, ingest, new CollectorRepository(dataSource), storage);
  const stopper = new JobStopper(dataSource, states, new JobRepository(dataSource), ending);
  return { states, ingest, ending, stopper };
}
