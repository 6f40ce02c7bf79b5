import 'reflect-metadata';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter, grpcServerOptions } from '@cloud-inventory/grpc';
import { StoragePluginModule } from './storage-plugin.module';
import { StoragePluginConfig, loadStoragePluginConfig } from './storage-plugin.config';

/** Starts the storage plugin's gRPC server; main.ts and the tests both call this. */
export async function bootstrap(config: StoragePluginConfig = loadStoragePluginConfig()): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(
    StoragePluginModule.forRoot(config),
    { ...grpcServerOptions(config.listen, ['storagePlugin']), bufferLogs: true },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  await app.listen();
  logger.log(`storage plugin listening on ${config.listen} (gRPC), files under ${config.fileDir}`, 'Bootstrap');
  return app;
}
