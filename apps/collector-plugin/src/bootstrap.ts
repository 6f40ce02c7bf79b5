import 'reflect-metadata';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter, grpcServerOptions } from '@cloud-inventory/grpc';
import { encodeResourceInfo } from '@cloud-inventory/wire';
import { CollectorPluginModule } from './collector-plugin.module';
import { CollectorPluginConfig, loadCollectorPluginConfig } from './collector-plugin.config';

/** Starts the collector plugin's gRPC server; main.ts and the tests both call this. */
export async function bootstrap(config: CollectorPluginConfig = loadCollectorPluginConfig()): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(
    CollectorPluginModule.forRoot(config),
    {
      ...grpcServerOptions(config.listen, ['collectorPlugin'], {
        // the collect stream is the hot path: ResourceInfo written straight from JSON
        'spaceone.api.inventory.plugin.Collector': { collect: { responseSerialize: encodeResourceInfo } },
      }),
      bufferLogs: true,
    },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  await app.listen();
  logger.log(`collector plugin listening on ${config.listen} (gRPC)`, 'Bootstrap');
  return app;
}
