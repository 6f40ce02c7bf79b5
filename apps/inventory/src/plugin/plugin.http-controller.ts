import { Body, Controller } from '@nestjs/common';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RpcRoute, protoBody } from '../common/proto-http';
import { PluginRegistryService } from './plugin-registry.service';

const T = 'spaceone.api.inventory.v1.';

@Controller('inventory/v1/plugin')
export class PluginHttpController {
  constructor(private readonly plugins: PluginRegistryService) {}

  @RpcRoute('register')
  register(@Body(protoBody(`${T}RegisterPluginRequest`)) request: inventoryV1.RegisterPluginRequest) {
    return this.plugins.register(request);
  }

  @RpcRoute('deregister')
  async deregister(@Body(protoBody(`${T}PluginRequest`)) request: inventoryV1.PluginRequest) {
    await this.plugins.deregister(request.plugin_id);
    return {};
  }

  @RpcRoute('get')
  get(@Body(protoBody(`${T}PluginRequest`)) request: inventoryV1.PluginRequest) {
    return this.plugins.get(request.plugin_id);
  }

  @RpcRoute('list')
  list(@Body(protoBody(`${T}PluginQuery`)) request: inventoryV1.PluginQuery) {
    return this.plugins.list(request);
  }
}
