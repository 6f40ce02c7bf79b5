import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@cloud-inventory/config';
import { HealthController, HealthState } from '@cloud-inventory/grpc';
import { pluginTelemetryProviders } from '@cloud-inventory/observability';
import { DESTINATION_FACTORIES } from './destinations/destination-factories';
import { DestinationRegistry } from './destinations/destination-registry';
import { StorageGrpcController } from './storage/storage.grpc-controller';
import { StorageService } from './storage/storage.service';
import { STORAGE_PLUGIN_CONFIG, StoragePluginConfig } from './storage-plugin.config';

export const STORAGE_SERVICE_FULL_NAME = 'spaceone.api.inventory.plugin.Storage';

@Module({})
export class StoragePluginModule {
  constructor(health: HealthState) {
    health.register(STORAGE_SERVICE_FULL_NAME);
  }

  static forRoot(config: StoragePluginConfig): DynamicModule {
    return {
      module: StoragePluginModule,
      imports: [LoggerModule.forRoot(loggerOptions('storage-plugin'))],
      controllers: [HealthController, StorageGrpcController],
      providers: [
        { provide: STORAGE_PLUGIN_CONFIG, useValue: config },
        HealthState,
        {
          provide: DestinationRegistry,
          useFactory: (cfg: StoragePluginConfig) =>
            new DestinationRegistry(
              DESTINATION_FACTORIES.map((factory) => factory.create(cfg)),
              cfg.defaultDestination,
            ),
          inject: [STORAGE_PLUGIN_CONFIG],
        },
        StorageService,
        ...pluginTelemetryProviders('storage-plugin', config.metrics),
      ],
    };
  }
}
