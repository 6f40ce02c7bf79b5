import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { secretV1 } from '@cloud-inventory/proto';
import { Clock } from '../common/clock';
import { CollectService } from '../collect/collect.service';
import { JobTraceRepository } from '../collect/job-trace.repository';
import { CollectorRepository } from '../collector/collector.repository';
import { CollectorService } from '../collector/collector.service';
import { collectParts } from './collect-parts';
import { InventoryConfig } from '../inventory.config';
import { JobTaskRepository } from '../job-task/job-task.repository';
import { TaskQueueRepository } from '../job-task/task-queue.repository';
import { JobRepository } from '../job/job.repository';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryRepository } from '../plugin/plugin-registry.repository';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretCipher } from '../secret/secret-cipher';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';

/** One secret key for every stack of a test file (stacks on other pools read each other's secrets). */
const CIPHER = new SecretCipher(randomBytes(32));

export interface CollectStack {
  collectors: CollectorRepository;
  collectorService: CollectorService;
  collects: CollectService;
  jobs: JobRepository;
  secrets: SecretService;
  clients: PluginClients;
}

/** The services that create collectors and start collects, on `pool` (as one replica has them), reading time from `clock`. */
export function collectStackOn(pool: DataSource, config: InventoryConfig, clock: Clock): CollectStack {
  const collectors = new CollectorRepository(pool);
  const secretRepository = new SecretRepository(pool);
  const secrets = new SecretService(secretRepository, CIPHER, config);
  const registry = new PluginRegistryService(new PluginRegistryRepository(pool), config);
  const clients = new PluginClients(config);
  const jobs = new JobRepository(pool);
  return {
    collectors,
    collectorService: new CollectorService(collectors, registry, clients, secretRepository, secrets, config, clock),
    collects: new CollectService(
      config,
      pool,
      jobs,
      new JobTaskRepository(pool),
      new TaskQueueRepository(pool),
      collectors,
      secretRepository,
      secrets,
      registry,
      clients,
      new JobTraceRepository(pool),
      collectParts(pool, config).stopper,
    ),
    jobs,
    secrets,
    clients,
  };
}

/** Registers the in-process collector plugin as `pluginId`. */
export async function registerCollectorPlugin(pool: DataSource, pluginId: string, endpoint: string): Promise<void> {
  await new PluginRegistryRepository(pool).upsert({ plugin_id: pluginId, service_type: 'COLLECTOR', endpoint, name: pluginId, version: '', tags: {}, registered_by: 'api' });
}

/** An enabled domain-level secret of `provider`. */
export async function createSecret(stack: CollectStack, domainId: string, provider: string): Promise<string> {
  const secret = await stack.secrets.create(
    {
      name: `secret-${randomBytes(4).toString('hex')}`,
      data: { access_key: 'secret-value' },
      schema_id: '',
      tags: {},
      resource_group: secretV1.CreateSecretRequest_ResourceGroup.DOMAIN,
      workspace_id: '',
      project_id: '',
      service_account_id: '',
      trusted_secret_id: '',
      provider,
    },
    { domain_id: domainId, role: 'DOMAIN_ADMIN' },
  );
  return secret.secret_id;
}
