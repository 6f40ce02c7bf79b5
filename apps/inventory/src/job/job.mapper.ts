import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { JobEntity } from './job.entity';

export function toJobInfo(job: JobEntity): inventoryV1.JobInfo {
  return {
    job_id: job.job_id,
    status: job.status as inventoryV1.JobInfo_Status,
    total_tasks: job.total_tasks,
    remained_tasks: job.remained_tasks,
    success_tasks: job.success_tasks,
    failure_tasks: job.failure_tasks,
    request_secret_id: job.request_secret_id,
    request_workspace_id: job.request_workspace_id,
    resource_group: job.resource_group as inventoryV1.JobInfo_ResourceGroup,
    domain_id: job.domain_id,
    workspace_id: job.workspace_id,
    collector_id: job.collector_id,
    plugin_id: job.plugin_id,
    created_at: isoOrEmpty(job.created_at),
    updated_at: isoOrEmpty(job.updated_at),
    finished_at: isoOrEmpty(job.finished_at),
    trigger: job.trigger as inventoryV1.JobInfo_Trigger,
    scheduled_at: isoOrEmpty(job.scheduled_at),
  };
}
