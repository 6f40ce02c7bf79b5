import { Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { enumFilter, queryScope, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { toJobTaskInfo } from './job-task.mapper';
import { JobTaskRepository } from './job-task.repository';

const JOB_TASK_INFO = 'spaceone.api.inventory.v1.JobTaskInfo';

@Injectable()
export class JobTaskService {
  constructor(private readonly repository: JobTaskRepository) {}

  async get(jobTaskId: string, scope: RequestScope): Promise<inventoryV1.JobTaskInfo> {
    if (!jobTaskId) throw AppError.required('job_task_id');
    const task = await this.repository.findScoped(rowScope(scope, { byProject: true }), jobTaskId);
    if (!task) throw AppError.notFound('JobTask', 'job_task_id', jobTaskId);
    return toJobTaskInfo(task);
  }

  /** Cloudforet's JobTask.list: the query plus the request's own filters, in the caller's domain (and workspace). */
  async list(request: inventoryV1.JobTaskQuery, scope: RequestScope): Promise<inventoryV1.JobTasksInfo> {
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id), {
      job_task_id: request.job_task_id,
      status: enumFilter(request.status),
      provider: request.provider,
      project_id: request.project_id,
      service_account_id: request.service_account_id,
      job_id: request.job_id,
      secret_id: request.secret_id,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(JOB_TASK_INFO, row, complete) as unknown as inventoryV1.JobTaskInfo), total_count };
  }

  /** `{results, total_count?}`: total_count when the query has a page (JobTask.stat is not capped, as in Cloudforet). */
  async stat(request: inventoryV1.JobTaskStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined)));
  }
}
