import { Controller } from '@nestjs/common';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { CollectorService } from './collector.service';

/** spaceone.api.inventory.plugin.Job: get_tasks splits one collect into several tasks. */
@Controller()
@inventoryPlugin.JobControllerMethods()
export class JobGrpcController implements inventoryPlugin.JobController {
  constructor(private readonly collector: CollectorService) {}

  async getTasks(request: inventoryPlugin.GetTaskRequest): Promise<inventoryPlugin.TasksInfo> {
    const taskOptions = await this.collector.getTasks(request.options, request.secret_data);
    return { tasks: taskOptions.map((task_options) => ({ task_options })) };
  }
}
