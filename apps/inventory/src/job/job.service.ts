import { Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { queryScope, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { toJobInfo } from './job.mapper';
import { JobRepository } from './job.repository';

const JOB_INFO = 'spaceone.api.inventory.v1.JobInfo';

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

  /** A workspace caller also reads the jobs of domain-level collectors (Cloudforet's APPEND of "*"). */
  async get(jobId: string, scope: RequestScope): Promise<inventoryV1.JobInfo> {
    if (!jobId) throw AppError.required('job_id');
    const job = await this.repository.findScoped(rowScope(scope, { withDomainLevel: true }), jobId);
    if (!job) throw AppError.notFound('Job', 'job_id', jobId);
    return toJobInfo(job);
  }

  /**
   * Cloudforet's Job.list: the query plus the request's own filters, in the caller's domain (and
   * the request's workspace with the domain-level jobs, workspace_id "*"). Rows are JobInfo; with
   * `only`/`minimal` just the fields asked for.
   */
  async list(request: inventoryV1.JobsQuery, scope: RequestScope): Promise<inventoryV1.JobsInfo> {
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id, true), {
      job_id: request.job_id,
      status: jobStatusFilter(request.status as string),
      collector_id: request.collector_id,
      plugin_id: request.plugin_id,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(JOB_INFO, row, complete) as unknown as inventoryV1.JobInfo), total_count };
  }

  /**
   * Job.stat always pages (Cloudforet's set_query_page_limit), so it always has total_count. It sees
   * what list sees, domain-level jobs included (Cloudforet's Job.stat forgets the "*").
   */
  async stat(request: inventoryV1.JobStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined, true), { alwaysPage: true }));
  }

  /** Job.analyze pages too (set_query_page_limit): `{results, more}`. */
  async analyze(request: inventoryV1.JobAnalyzeQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.analyze(request.query, queryScope(scope, undefined, true), { alwaysPage: true }));
  }
}
