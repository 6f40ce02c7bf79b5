import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter, HealthState, grpcServerOptions } from '@cloud-inventory/grpc';
import { startTracing } from '@cloud-inventory/observability';
import { prepareAuth } from './auth/auth-runtime';
import { setupOpenApi } from './common/openapi';
import { contractRpcOfRoute } from './common/proto-http-bindings';
import { openDatabase } from './database/database-runtime';
import { InventoryConfig, loadInventoryConfig } from './inventory.config';
import { InventoryModule } from './inventory.module';
import { loadSecretCipher } from './secret/secret-key';

export interface InventoryApp {
  app: INestApplication;
  config: InventoryConfig;
  httpUrl: string;
  grpcAddress: string;
  close(): Promise<void>;
}

/**
 * Starts the inventory: the database (embedded unless DATABASE_URL), migrations, then one Nest
 * app serving gRPC and HTTP and running the collect workers. main.ts and the tests call this.
 */
export async function bootstrap(config: InventoryConfig = loadInventoryConfig()): Promise<InventoryApp> {
  const cipher = loadSecretCipher(config);
  const auth = await prepareAuth(config);
  const tracing = await startTracing('inventory');
  const tls = config.tls.certFile && config.tls.keyFile ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const database = await openDatabase(config);
  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(InventoryModule.forRoot(config, database, cipher, auth), {
      bufferLogs: true,
      bodyParser: false,
      ...(tls ? { httpsOptions: tls } : {}),
    });
    const logger = app.get(Logger);
    app.useLogger(logger);
    for (const notice of auth.notices) logger[notice.level](notice.message, 'Auth');
    app.useBodyParser('json', { limit: '16mb' });
    app.useGlobalFilters(new AllExceptionsFilter({ unservedRpc: contractRpcOfRoute() }));
    app.enableShutdownHooks();
    setupOpenApi(app);
    app.connectMicroservice(grpcServerOptions(config.grpcListen, ['inventoryV1', 'secretV1'], {}, tls), { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(config.httpPort, config.httpHost);
    const address = app.getHttpServer().address();
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
    const httpUrl = `${tls ? 'https' : 'http'}://${config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost}:${httpPort}`;
    logger.log(`inventory listening: gRPC ${config.grpcListen}, HTTP ${httpUrl}`, 'Bootstrap');
    const started = app;
    return {
      app: started,
      config,
      httpUrl,
      grpcAddress: config.grpcListen,
      close: async () => {
        started.get(HealthState).setServing(false);
        await started.close();
        await database.close();
        await tracing.shutdown();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close();
    await tracing.shutdown();
    throw error;
  }
}
