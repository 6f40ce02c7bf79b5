import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectDeletionService } from '../collect/collect-deletion.service';
import { JobStopper } from '../collect/job-stopper';
import { ScopeResolver } from '../common/scope-resolver';
import { toJobInfo } from '../job/job.mapper';
import { JobService } from '../job/job.service';

@Controller()
@inventoryV1.JobControllerMethods()
export class JobGrpcController implements inventoryV1.JobController {
  constructor(
    private readonly jobs: JobService,
    private readonly deletions: CollectDeletionService,
    private readonly stopper: JobStopper,
    private readonly scopes: ScopeResolver,
  ) {}

  async delete(request: inventoryV1.JobRequest, metadata?: Metadata) {
    await this.deletions.deleteJob(request.job_id, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.JobRequest, metadata?: Metadata) {
    return this.jobs.get(request.job_id, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.JobsQuery, metadata?: Metadata) {
    return this.jobs.list(request, this.scopes.fromMetadata(metadata));
  }

  analyze(request: inventoryV1.JobAnalyzeQuery, metadata?: Metadata) {
    return this.jobs.analyze(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.JobStatQuery, metadata?: Metadata) {
    return this.jobs.stat(request, this.scopes.fromMetadata(metadata));
  }

  async cancel(request: inventoryV1.JobRequest, metadata?: Metadata) {
    return toJobInfo(await this.stopper.cancel(request.job_id, this.scopes.fromMetadata(metadata)));
  }
}
