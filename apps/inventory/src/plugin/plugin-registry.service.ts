import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { PluginEndpointPolicy } from './plugin-endpoint-policy';
import { PluginRegistryRepository } from './plugin-registry.repository';
import { PluginServiceType, RegisteredPluginEntity } from './registered-plugin.entity';

const PLUGIN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ENDPOINT = /^[A-Za-z0-9_.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

export function toRegisteredPluginInfo(entity: RegisteredPluginEntity): inventoryV1.RegisteredPluginInfo {
  return {
    plugin_id: entity.plugin_id,
    endpoint: entity.endpoint,
    service_type: entity.service_type as inventoryV1.PluginServiceType,
    name: entity.name,
    version: entity.version,
    tags: entity.tags,
    registered_by: entity.registered_by,
    created_at: isoOrEmpty(entity.created_at),
    updated_at: isoOrEmpty(entity.updated_at),
  };
}

/** Where each plugin listens: registered at runtime through the API, and from INVENTORY_PLUGINS at start. */
@Injectable()
export class PluginRegistryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PluginRegistryService.name);
  private readonly endpoints: PluginEndpointPolicy;

  constructor(
    private readonly repository: PluginRegistryRepository,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {
    this.endpoints = PluginEndpointPolicy.fromConfig(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const seed of this.config.plugins) {
      await this.repository.upsert({ ...seed, name: seed.plugin_id, version: '', tags: {}, registered_by: 'config' });
      this.logger.log(`plugin ${seed.plugin_id} (${seed.service_type.toLowerCase()}) at ${seed.endpoint}`);
    }
  }

  async register(request: inventoryV1.RegisterPluginRequest): Promise<inventoryV1.RegisteredPluginInfo> {
    if (!request.plugin_id) throw AppError.required('plugin_id');
    if (!PLUGIN_ID.test(request.plugin_id)) {
      throw AppError.invalid('plugin_id must be 1-64 characters of [A-Za-z0-9_.-], starting with a letter or digit.');
    }
    if (!request.endpoint) throw AppError.required('endpoint');
    if (!ENDPOINT.test(request.endpoint)) throw AppError.invalid(`endpoint must be host:port, not "${request.endpoint}".`);
    // registering never connects: nothing here tells whether something listens at the endpoint
    this.endpoints.check(request.endpoint);
    const serviceType = request.service_type as string;
    if (serviceType !== 'COLLECTOR' && serviceType !== 'STORAGE') {
      throw AppError.invalid('service_type must be COLLECTOR or STORAGE.');
    }
    const entity = await this.repository.upsert({
      plugin_id: request.plugin_id,
      endpoint: request.endpoint,
      service_type: serviceType,
      name: request.name || request.plugin_id,
      version: request.version ?? '',
      tags: (request.tags ?? {}) as Record<string, unknown>,
      registered_by: 'api',
    });
    return toRegisteredPluginInfo(entity);
  }

  async deregister(pluginId: string): Promise<void> {
    if (!pluginId) throw AppError.required('plugin_id');
    if (!(await this.repository.delete(pluginId))) throw AppError.notFound('Plugin', 'plugin_id', pluginId);
  }

  async get(pluginId: string): Promise<inventoryV1.RegisteredPluginInfo> {
    if (!pluginId) throw AppError.required('plugin_id');
    const entity = await this.repository.findById(pluginId);
    if (!entity) throw AppError.notFound('Plugin', 'plugin_id', pluginId);
    return toRegisteredPluginInfo(entity);
  }

  async list(request: inventoryV1.PluginQuery): Promise<inventoryV1.RegisteredPluginsInfo> {
    const serviceType = request.service_type as string;
    const rows = await this.repository.list({
      plugin_id: request.plugin_id || undefined,
      service_type: serviceType === 'COLLECTOR' || serviceType === 'STORAGE' ? serviceType : undefined,
    });
    return { results: rows.map(toRegisteredPluginInfo), total_count: rows.length };
  }

  /** The plugin a collector or a storage option names, checked to be of the right kind. */
  async resolve(pluginId: string, serviceType: PluginServiceType, key: string): Promise<RegisteredPluginEntity> {
    if (!pluginId) throw AppError.required(key);
    const entity = await this.repository.findById(pluginId);
    if (!entity) {
      throw AppError.notFound('Plugin', key, `${pluginId}; register it with /inventory/v1/plugin/register`);
    }
    if (entity.service_type !== serviceType) {
      throw AppError.invalid(`${key}: plugin ${pluginId} is a ${entity.service_type} plugin, not a ${serviceType} plugin.`);
    }
    return entity;
  }
}
