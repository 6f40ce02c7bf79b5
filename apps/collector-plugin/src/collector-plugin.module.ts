import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@cloud-inventory/config';
import { HealthController, HealthState } from '@cloud-inventory/grpc';
import { pluginTelemetryProviders } from '@cloud-inventory/observability';
import { COLLECTOR_PLUGIN_CONFIG, CollectorPluginConfig } from './collector-plugin.config';
import { CollectorGrpcController } from './collector/collector.grpc-controller';
import { CollectorService } from './collector/collector.service';
import { JobGrpcController } from './collector/job.grpc-controller';
import { COLLECTOR_PROVIDERS, CollectorProvider } from './providers/collector-provider';
import { CollectorProviderRegistry } from './providers/collector-provider.registry';
import { COLLECTOR_PROVIDER_CLASSES } from './providers/collector-providers';

@Module({})
export class CollectorPluginModule {
  constructor(health: HealthState) {
    health.register('spaceone.api.inventory.plugin.Collector', 'spaceone.api.inventory.plugin.Job');
  }

  static forRoot(config: CollectorPluginConfig): DynamicModule {
    return {
      module: CollectorPluginModule,
      imports: [LoggerModule.forRoot(loggerOptions('collector-plugin'))],
      controllers: [HealthController, CollectorGrpcController, JobGrpcController],
      providers: [
        { provide: COLLECTOR_PLUGIN_CONFIG, useValue: config },
        HealthState,
        ...COLLECTOR_PROVIDER_CLASSES,
        {
          provide: COLLECTOR_PROVIDERS,
          useFactory: (...providers: CollectorProvider[]) => providers,
          inject: COLLECTOR_PROVIDER_CLASSES,
        },
        CollectorProviderRegistry,
        CollectorService,
        ...pluginTelemetryProviders('collector-plugin', config.metrics),
      ],
    };
  }
}
