import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { firstRow } from '../common/sql-rows';
import { PluginServiceType, RegisteredPluginEntity } from './registered-plugin.entity';

export interface PluginRegistration {
  plugin_id: string;
  endpoint: string;
  service_type: PluginServiceType;
  name: string;
  version: string;
  tags: Record<string, unknown>;
  registered_by: 'api' | 'config';
}

@Injectable()
export class PluginRegistryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Registers or re-points a plugin in one statement; created_at survives re-registration. */
  async upsert(registration: PluginRegistration): Promise<RegisteredPluginEntity> {
    const rows = await this.dataSource.query(
      `INSERT INTO registered_plugin (plugin_id, endpoint, service_type, name, version, tags, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (plugin_id) DO UPDATE SET
         endpoint = EXCLUDED.endpoint, service_type = EXCLUDED.service_type, name = EXCLUDED.name,
         version = EXCLUDED.version, tags = EXCLUDED.tags, registered_by = EXCLUDED.registered_by, updated_at = now()
       RETURNING *`,
      [
        registration.plugin_id,
        registration.endpoint,
        registration.service_type,
        registration.name,
        registration.version,
        registration.tags,
        registration.registered_by,
      ],
    );
    return firstRow<RegisteredPluginEntity>(rows)!;
  }

  findById(pluginId: string): Promise<RegisteredPluginEntity | null> {
    return this.dataSource.getRepository(RegisteredPluginEntity).findOneBy({ plugin_id: pluginId });
  }

  async list(filter: { plugin_id?: string; service_type?: PluginServiceType }): Promise<RegisteredPluginEntity[]> {
    const where: Partial<RegisteredPluginEntity> = {};
    if (filter.plugin_id) where.plugin_id = filter.plugin_id;
    if (filter.service_type) where.service_type = filter.service_type;
    return this.dataSource.getRepository(RegisteredPluginEntity).find({ where, order: { plugin_id: 'ASC' } });
  }

  async delete(pluginId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(RegisteredPluginEntity).delete({ plugin_id: pluginId });
    return (result.affected ?? 0) > 0;
  }
}
