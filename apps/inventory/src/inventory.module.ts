import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from '@cloud-inventory/config';
import { HealthController } from '@cloud-inventory/grpc';
import { ApiModule } from './api/api.module';
import { AuthRuntime } from './auth/auth-runtime';
import { AuthModule } from './auth/auth.module';
import { CloudServiceModule } from './cloud-service/cloud-service.module';
import { CollectModule } from './collect/collect.module';
import { CollectorModule } from './collector/collector.module';
import { ConsoleModule } from './console/console.module';
import { CoreModule } from './core.module';
import { DatabaseRuntime } from './database/database-runtime';
import { HealthHttpController } from './health/health.http-controller';
import { IngestModule } from './ingest/ingest.module';
import { InventoryConfig, hasRole } from './inventory.config';
import { JobTaskModule } from './job-task/job-task.module';
import { JobModule } from './job/job.module';
import { ObservabilityModule } from './observability/observability.module';
import { MetricModule } from './metric/metric.module';
import { PluginModule } from './plugin/plugin.module';
import { RetentionModule } from './retention/retention.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SecretCipher } from './secret/secret-cipher';
import { SecretModule } from './secret/secret.module';

/**
 * The whole app; the modules in the order of the one-way graph (src/README.md). The roles of
 * INVENTORY_ROLES decide what runs: `api` adds the edge controllers and the console (bootstrap.ts
 * serves the API's gRPC services and HTTP routes only then), `worker` starts the task workers and
 * the sweeper (collect/), `scheduler` adds the scheduler's module. Health is always served.
 */
@Module({})
export class InventoryModule {
  static forRoot(config: InventoryConfig, database: DatabaseRuntime, cipher: SecretCipher, auth: AuthRuntime): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        LoggerModule.forRoot(loggerOptions('inventory')),
        CoreModule.forRoot(config, database, cipher),
        AuthModule.forRoot(auth),
        PluginModule,
        SecretModule,
        CollectorModule,
        JobModule,
        JobTaskModule,
        CloudServiceModule,
        IngestModule,
        MetricModule,
        CollectModule,
        // schedules and retention run only where the `scheduler` role is (their services check it)
        SchedulerModule,
        RetentionModule,
        ...(hasRole(config, 'api') ? [ApiModule, ConsoleModule] : []),
        ObservabilityModule,
      ],
      controllers: [HealthController, HealthHttpController],
    };
  }
}
