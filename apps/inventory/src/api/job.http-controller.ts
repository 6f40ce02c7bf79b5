import { Body, Controller, Get, Headers, Query } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectDeletionService } from '../collect/collect-deletion.service';
import { JobStopper } from '../collect/job-stopper';
import { RpcRoute, inventoryProtoJson, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { toJobInfo } from '../job/job.mapper';
import { JobService } from '../job/job.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1')
export class JobHttpController {
  constructor(
    private readonly jobs: JobService,
    private readonly deletions: CollectDeletionService,
    private readonly stopper: JobStopper,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('job/delete')
  async delete(@Body(protoBody(`${T}JobRequest`)) request: inventoryV1.JobRequest, @Headers() headers: HeaderMap) {
    await this.deletions.deleteJob(request.job_id, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('job/get')
  get(@Body(protoBody(`${T}JobRequest`)) request: inventoryV1.JobRequest, @Headers() headers: HeaderMap) {
    return this.jobs.get(request.job_id, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('job/list')
  list(@Body(protoBody(`${T}JobsQuery`)) request: inventoryV1.JobsQuery, @Headers() headers: HeaderMap) {
    return this.jobs.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('job/analyze')
  analyze(@Body(protoBody(`${T}JobAnalyzeQuery`)) request: inventoryV1.JobAnalyzeQuery, @Headers() headers: HeaderMap) {
    return this.jobs.analyze(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('job/stat')
  stat(@Body(protoBody(`${T}JobStatQuery`)) request: inventoryV1.JobStatQuery, @Headers() headers: HeaderMap) {
    return this.jobs.stat(request, this.scopes.fromHeaders(headers));
  }

  /** Ours (see job.proto): ends a running job CANCELED; of an ended job, its current state. */
  @RpcRoute('job/cancel')
  async cancel(@Body(protoBody(`${T}JobRequest`)) request: inventoryV1.JobRequest, @Headers() headers: HeaderMap) {
    return toJobInfo(await this.stopper.cancel(request.job_id, this.scopes.fromHeaders(headers)));
  }

  /** The older route of the seeds: POST /inventory/v1/jobs/search. */
  @RpcRoute('jobs/search')
  search(@Body(protoBody(`${T}JobsQuery`)) request: inventoryV1.JobsQuery, @Headers() headers: HeaderMap) {
    return this.jobs.list(request, this.scopes.fromHeaders(headers));
  }

  /** The older route of the seeds: POST /inventory/v1/jobs/stat. */
  @RpcRoute('jobs/stat')
  statOlderRoute(@Body(protoBody(`${T}JobStatQuery`)) request: inventoryV1.JobStatQuery, @Headers() headers: HeaderMap) {
    return this.jobs.stat(request, this.scopes.fromHeaders(headers));
  }

  /** The older route of the seeds: GET /inventory/v1/jobs?status=…&collector_id=… (the typed filters). */
  @Get('jobs')
  listByQueryString(@Query() params: Record<string, string>, @Headers() headers: HeaderMap) {
    const typed: Record<string, string> = {};
    for (const key of ['job_id', 'status', 'workspace_id', 'collector_id', 'plugin_id']) {
      if (typeof params[key] === 'string') typed[key] = params[key];
    }
    const request = inventoryProtoJson().decode<inventoryV1.JobsQuery>(`${T}JobsQuery`, typed);
    return this.jobs.list(request, this.scopes.fromHeaders(headers));
  }
}
