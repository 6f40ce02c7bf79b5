import { Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RequestScope } from '../common/request-scope';
import { orderOf, pageOf } from '../common/simple-page';
import { toJobInfo } from './job.mapper';
import { JobRepository } from './job.repository';

const SORTABLE = ['created_at', 'finished_at', 'updated_at', 'status', 'collector_id', 'job_id'] as const;

/** JobsQuery.status accepts the older names: CREATED reads as IN_PROGRESS, ERROR as FAILURE. */
export function jobStatusFilter(status: string | undefined): string | undefined {
  switch (status) {
    case undefined:
    case '':
    case 'JOB_STATE_NONE':
      return undefined;
    case 'CREATED':
      return 'IN_PROGRESS';
    case 'ERROR':
      return 'FAILURE';
    default:
      return status;
  }
}

@Injectable()
export class JobService {
  constructor(private readonly repository: JobRepository) {}

  async get(jobId: string, scope: RequestScope): Promise<inventoryV1.JobInfo> {
    if (!jobId) throw AppError.required('job_id');
    const job = await this.repository.findOne(scope.domain_id, jobId);
    if (!job) throw AppError.notFound('Job', 'job_id', jobId);
    return toJobInfo(job);
  }

  async list(request: inventoryV1.JobsQuery, scope: RequestScope): Promise<inventoryV1.JobsInfo> {
    const where: Record<string, unknown> = { domain_id: scope.domain_id };
    if (request.job_id) where['job_id'] = request.job_id;
    const status = jobStatusFilter(request.status as string);
    if (status) where['status'] = status;
    if (request.workspace_id) where['workspace_id'] = request.workspace_id;
    if (request.collector_id) where['collector_id'] = request.collector_id;
    if (request.plugin_id) where['plugin_id'] = request.plugin_id;
    const { skip, take } = pageOf(request.query);
    const [rows, total] = await this.repository.list(where, orderOf(request.query, SORTABLE, { created_at: 'DESC' }), skip, take);
    return { results: rows.map(toJobInfo), total_count: total };
  }

  async delete(jobId: string, scope: RequestScope): Promise<void> {
    if (!jobId) throw AppError.required('job_id');
    if (!(await this.repository.delete(scope.domain_id, jobId))) throw AppError.notFound('Job', 'job_id', jobId);
  }
}
