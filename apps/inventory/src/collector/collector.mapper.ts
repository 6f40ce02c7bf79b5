import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { CollectorEntity } from './collector.entity';

export function toCollectorInfo(collector: CollectorEntity): inventoryV1.CollectorInfo {
  const filter = collector.secret_filter;
  return {
    collector_id: collector.collector_id,
    name: collector.name,
    provider: collector.provider,
    capability: collector.capability,
    secret_filter: {
      state: filter.state as inventoryV1.SecretFilter_SecretFilterState,
      secrets: filter.secrets,
      service_accounts: filter.service_accounts,
      schemas: filter.schemas,
      exclude_secrets: filter.exclude_secrets,
      exclude_service_accounts: filter.exclude_service_accounts,
      exclude_schemas: filter.exclude_schemas,
    },
    plugin_info: {
      plugin_id: collector.plugin_info.plugin_id,
      version: collector.plugin_info.version,
      options: collector.plugin_info.options,
      metadata: collector.plugin_info.metadata,
      upgrade_mode: collector.plugin_info.upgrade_mode as inventoryV1.PluginInfo_UpgradeMode,
    },
    schedule: {
      state: collector.schedule.state as inventoryV1.Scheduled_ScheduledState,
      hours: collector.schedule.hours,
    },
    tags: collector.tags,
    resource_group: collector.resource_group as inventoryV1.CollectorInfo_ResourceGroup,
    domain_id: collector.domain_id,
    workspace_id: collector.workspace_id,
    created_at: isoOrEmpty(collector.created_at),
    last_collected_at: isoOrEmpty(collector.last_collected_at),
  };
}
