import { Controller } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { PluginRegistryService } from './plugin-registry.service';

@Controller()
@inventoryV1.PluginControllerMethods()
export class PluginGrpcController implements inventoryV1.PluginController {
  constructor(private readonly plugins: PluginRegistryService) {}

  register(request: inventoryV1.RegisterPluginRequest) {
    return this.plugins.register(request);
  }

  async deregister(request: inventoryV1.PluginRequest) {
    await this.plugins.deregister(request.plugin_id);
  }

  get(request: inventoryV1.PluginRequest) {
    return this.plugins.get(request.plugin_id);
  }

  list(request: inventoryV1.PluginQuery) {
    return this.plugins.list(request);
  }
}
