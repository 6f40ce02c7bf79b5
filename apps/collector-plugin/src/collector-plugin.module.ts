import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@cloud-inventory/config';
import { HealthController, HealthState } from '@cloud-inventory/grpc';
import { COLLECTOR_PLUGIN_CONFIG, CollectorPluginConfig } from './collector-plugin.config';

@Module({})
export class CollectorPluginModule {
  static forRoot(config: CollectorPluginConfig): DynamicModule {
    return {
      module: CollectorPluginModule,
      imports: [LoggerModule.forRoot(loggerOptions('collector-plugin'))],
      controllers: [HealthController],
      providers: [{ provide: COLLECTOR_PLUGIN_CONFIG, useValue: config }, HealthState],
    };
  }
}
