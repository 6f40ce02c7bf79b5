import { inventoryV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { JobTaskEntity } from './job-task.entity';

export function toJobTaskInfo(task: JobTaskEntity): inventoryV1.JobTaskInfo {
  return {
    job_task_id: task.job_task_id,
    status: task.status as inventoryV1.JobTaskInfo_JobTaskStatus,
    provider: task.provider,
    created_count: task.created_count,
    updated_count: task.updated_count,
    failure_count: task.failure_count,
    deleted_count: task.deleted_count,
    disconnected_count: task.disconnected_count,
    errors: (task.errors ?? []).map((error) => ({
      error_code: error.error_code,
      message: error.message,
      additional: error.additional ?? {},
    })),
    domain_id: task.domain_id,
    workspace_id: task.workspace_id,
    project_id: task.project_id,
    service_account_id: task.service_account_id,
    job_id: task.job_id,
    secret_id: task.secret_id,
    created_at: isoOrEmpty(task.created_at),
    started_at: isoOrEmpty(task.started_at),
    finished_at: isoOrEmpty(task.finished_at),
    collector_id: task.collector_id,
  };
}
