import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@cloud-inventory/config';
import { HealthController, HealthState } from '@cloud-inventory/grpc';
import { STORAGE_PLUGIN_CONFIG, StoragePluginConfig } from './storage-plugin.config';

@Module({})
export class StoragePluginModule {
  static forRoot(config: StoragePluginConfig): DynamicModule {
    return {
      module: StoragePluginModule,
      imports: [LoggerModule.forRoot(loggerOptions('storage-plugin'))],
      controllers: [HealthController],
      providers: [{ provide: STORAGE_PLUGIN_CONFIG, useValue: config }, HealthState],
    };
  }
}
