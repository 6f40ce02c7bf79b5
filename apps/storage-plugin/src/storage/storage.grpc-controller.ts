import { Controller } from '@nestjs/common';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { JsonObject } from '@cloud-inventory/wire';
import { StorageService } from './storage.service';

/** spaceone.api.inventory.plugin.Storage: maps the messages and delegates to StorageService. */
@Controller()
@inventoryPlugin.StorageControllerMethods()
export class StorageGrpcController implements inventoryPlugin.StorageController {
  constructor(private readonly storage: StorageService) {}

  init(request: inventoryPlugin.StorageInitRequest): inventoryPlugin.StoragePluginInfo {
    return { metadata: this.storage.init(request.options as JsonObject | undefined) };
  }

  async verify(request: inventoryPlugin.StorageVerifyRequest): Promise<void> {
    await this.storage.verify({
      options: request.options as JsonObject | undefined,
      schema: request.schema,
      secret_data: request.secret_data as JsonObject | undefined,
    });
  }

  async export(request: inventoryPlugin.ExportRequest): Promise<void> {
    await this.storage.export({
      options: request.options as JsonObject | undefined,
      schema: request.schema,
      secret_data: request.secret_data as JsonObject | undefined,
      data: request.data,
    });
  }
}
