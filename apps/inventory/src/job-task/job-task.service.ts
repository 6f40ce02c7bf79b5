import { Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { TaskStateRepository } from '../collect/task-state.repository';
import { RequestScope } from '../common/request-scope';
import { orderOf, pageOf } from '../common/simple-page';
import { toJobTaskInfo } from './job-task.mapper';
import { JobTaskRepository } from './job-task.repository';

const SORTABLE = ['created_at', 'started_at', 'finished_at', 'status', 'job_id', 'job_task_id'] as const;

@Injectable()
export class JobTaskService {
  constructor(
    private readonly repository: JobTaskRepository,
    private readonly taskState: TaskStateRepository,
  ) {}

  async get(jobTaskId: string, scope: RequestScope): Promise<inventoryV1.JobTaskInfo> {
    if (!jobTaskId) throw AppError.required('job_task_id');
    const task = await this.repository.findOne(scope.domain_id, jobTaskId);
    if (!task) throw AppError.notFound('JobTask', 'job_task_id', jobTaskId);
    return toJobTaskInfo(task);
  }

  async list(request: inventoryV1.JobTaskQuery, scope: RequestScope): Promise<inventoryV1.JobTasksInfo> {
    const where: Record<string, unknown> = { domain_id: scope.domain_id };
    for (const key of ['job_task_id', 'provider', 'workspace_id', 'project_id', 'service_account_id', 'job_id', 'secret_id'] as const) {
      if (request[key]) where[key] = request[key];
    }
    const status = request.status as string;
    if (status && status !== 'JOB_TASK_STATE_NONE') where['status'] = status;
    const { skip, take } = pageOf(request.query);
    const [rows, total] = await this.repository.list(where, orderOf(request.query, SORTABLE, { created_at: 'DESC' }), skip, take);
    return { results: rows.map(toJobTaskInfo), total_count: total };
  }

  /**
   * Deletes a task. One that has not ended is first ended as CANCELED, so its job is counted
   * down and still finishes instead of waiting for it forever.
   */
  async delete(jobTaskId: string, scope: RequestScope): Promise<void> {
    if (!jobTaskId) throw AppError.required('job_task_id');
    const task = await this.repository.findOne(scope.domain_id, jobTaskId);
    if (!task) throw AppError.notFound('JobTask', 'job_task_id', jobTaskId);
    if (task.status === 'PENDING' || task.status === 'IN_PROGRESS') {
      await this.taskState.finish(jobTaskId, {
        status: 'CANCELED',
        error: { error_code: 'ERROR_COLLECT_CANCELED', message: 'The job task was deleted.', additional: {} },
      });
    }
    await this.repository.delete(scope.domain_id, jobTaskId);
  }
}
