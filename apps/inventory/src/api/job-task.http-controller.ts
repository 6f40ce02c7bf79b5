import { Body, Controller, Headers } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectDeletionService } from '../collect/collect-deletion.service';
import { RpcRoute, protoBody } from '../common/proto-http';
import { ScopeResolver } from '../common/scope-resolver';
import { JobTaskService } from '../job-task/job-task.service';

const T = 'spaceone.api.inventory.v1.';
type HeaderMap = Record<string, string>;

@Controller('inventory/v1/job-task')
export class JobTaskHttpController {
  constructor(
    private readonly tasks: JobTaskService,
    private readonly deletions: CollectDeletionService,
    private readonly scopes: ScopeResolver,
  ) {}

  @RpcRoute('delete')
  async delete(@Body(protoBody(`${T}JobTaskRequest`)) request: inventoryV1.JobTaskRequest, @Headers() headers: HeaderMap) {
    await this.deletions.deleteJobTask(request.job_task_id, this.scopes.fromHeaders(headers));
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}JobTaskRequest`)) request: inventoryV1.JobTaskRequest, @Headers() headers: HeaderMap) {
    return this.tasks.get(request.job_task_id, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}JobTaskQuery`)) request: inventoryV1.JobTaskQuery, @Headers() headers: HeaderMap) {
    return this.tasks.list(request, this.scopes.fromHeaders(headers));
  }

  @RpcRoute('stat')
  stat(@Body(protoBody(`${T}JobTaskStatQuery`)) request: inventoryV1.JobTaskStatQuery, @Headers() headers: HeaderMap) {
    return this.tasks.stat(request, this.scopes.fromHeaders(headers));
  }
}
