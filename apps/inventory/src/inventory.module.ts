import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@cloud-inventory/config';
import { HealthController } from '@cloud-inventory/grpc';
import { CloudServiceModule } from './cloud-service/cloud-service.module';
import { CollectModule } from './collect/collect.module';
import { CollectorModule } from './collector/collector.module';
import { ConsoleModule } from './console/console.module';
import { CoreModule } from './core.module';
import { DatabaseRuntime } from './database/database-runtime';
import { HealthHttpController } from './health/health.http-controller';
import { InventoryConfig } from './inventory.config';
import { JobTaskModule } from './job-task/job-task.module';
import { JobModule } from './job/job.module';
import { PluginModule } from './plugin/plugin.module';
import { SecretModule } from './secret/secret.module';

@Module({})
export class InventoryModule {
  static forRoot(config: InventoryConfig, database: DatabaseRuntime): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        LoggerModule.forRoot(loggerOptions('inventory')),
        CoreModule.forRoot(config, database),
        PluginModule,
        SecretModule,
        CollectorModule,
        CollectModule,
        JobModule,
        JobTaskModule,
        CloudServiceModule,
        ConsoleModule,
      ],
      controllers: [HealthController, HealthHttpController],
    };
  }
}
