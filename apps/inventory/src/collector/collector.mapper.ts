import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { toScheduled } from './collector-schedule';
import { CollectorEntity } from './collector.entity';

/** How the schedule fires (ours), from the scheduler's columns; '' for what has not happened. */
export function toScheduleStatus(collector: CollectorEntity): inventoryV1.ScheduleStatus {
  return {
    next_run_at: isoOrEmpty(collector.schedule_next_run_at),
    last_run_at: isoOrEmpty(collector.schedule_last_run_at),
    last_job_id: collector.schedule_last_job_id ?? '',
    skipped_count: collector.schedule_skipped_count ?? 0,
    last_skipped_at: isoOrEmpty(collector.schedule_last_skipped_at),
    last_error: collector.schedule_last_error ?? '',
  };
}

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
    schedule: toScheduled(collector.schedule),
    tags: collector.tags,
    resource_group: collector.resource_group as inventoryV1.CollectorInfo_ResourceGroup,
    domain_id: collector.domain_id,
    workspace_id: collector.workspace_id,
    created_at: isoOrEmpty(collector.created_at),
    last_collected_at: isoOrEmpty(collector.last_collected_at),
    schedule_status: toScheduleStatus(collector),
    job_timeout: collector.job_timeout ?? 0,
    max_running_tasks: collector.max_running_tasks ?? 0,
  };
}
