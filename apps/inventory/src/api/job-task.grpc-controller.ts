import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectDeletionService } from '../collect/collect-deletion.service';
import { ScopeResolver } from '../common/scope-resolver';
import { JobTaskService } from '../job-task/job-task.service';

@Controller()
@inventoryV1.JobTaskControllerMethods()
export class JobTaskGrpcController implements inventoryV1.JobTaskController {
  constructor(
    private readonly tasks: JobTaskService,
    private readonly deletions: CollectDeletionService,
    private readonly scopes: ScopeResolver,
  ) {}

  async delete(request: inventoryV1.JobTaskRequest, metadata?: Metadata) {
    await this.deletions.deleteJobTask(request.job_task_id, this.scopes.fromMetadata(metadata));
  }

  get(request: inventoryV1.JobTaskRequest, metadata?: Metadata) {
    return this.tasks.get(request.job_task_id, this.scopes.fromMetadata(metadata));
  }

  list(request: inventoryV1.JobTaskQuery, metadata?: Metadata) {
    return this.tasks.list(request, this.scopes.fromMetadata(metadata));
  }

  stat(request: inventoryV1.JobTaskStatQuery, metadata?: Metadata) {
    return this.tasks.stat(request, this.scopes.fromMetadata(metadata));
  }
}
