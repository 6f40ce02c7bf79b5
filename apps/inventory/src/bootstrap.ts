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
import { CollectSweeper } from './collect/collect-sweeper';
import { TaskWorker } from './collect/task-worker.service';
import { InventoryConfig, hasRole, loadInventoryConfig } from './inventory.config';
import { InventoryModule } from './inventory.module';
import { loadSecretCipher } from './secret/secret-key';

/** The part of SHUTDOWN_GRACE_SECONDS the workers' batches get; the rest closes the servers and the database. */
function workerGraceMs(config: InventoryConfig): number {
  return Math.max(config.shutdownGraceMs - 2000, config.shutdownGraceMs / 2);
}

export interface InventoryApp {
  app: INestApplication;
  config: InventoryConfig;
  httpUrl: string;
  grpcAddress: string;
  close(): Promise<void>;
}

/** What a process without the `api` role answers over HTTP; anything else is 404. */
const ALWAYS_SERVED = new Set(['/health', '/metrics']);

/**
 * Starts the inventory: the database (embedded unless DATABASE_URL), migrations, then one Nest
 * app doing what its roles say (INVENTORY_ROLES): `api` serves the gRPC services and HTTP routes,
 * `worker` runs the collect workers, `scheduler` the periodic work. Every process serves
 * grpc.health.v1 on its gRPC port and /health over HTTP. main.ts and the tests call this.
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
    const api = hasRole(config, 'api');
    if (!api) {
      const roles = [...config.roles].join(',');
      app.use((request: { path: string }, response: { status(code: number): { json(body: unknown): void } }, next: () => void) => {
        if (ALWAYS_SERVED.has(request.path)) return next();
        response.status(404).json({ code: 'ERROR_NOT_FOUND', message: `This inventory process (INVENTORY_ROLES=${roles}) does not serve the API.` });
      });
    }
    app.useBodyParser('json', { limit: '16mb' });
    app.useGlobalFilters(new AllExceptionsFilter({ unservedRpc: contractRpcOfRoute() }));
    // no enableShutdownHooks: main.ts stops the app in order (close() below), then exits
    if (api) setupOpenApi(app);
    app.connectMicroservice(grpcServerOptions(config.grpcListen, api ? ['inventoryV1', 'secretV1'] : [], {}, tls), { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(config.httpPort, config.httpHost);
    const address = app.getHttpServer().address();
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
    const httpUrl = `${tls ? 'https' : 'http'}://${config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost}:${httpPort}`;
    logger.log(`inventory listening: gRPC ${config.grpcListen}, HTTP ${httpUrl}; roles ${[...config.roles].join(', ')}`, 'Bootstrap');
    const started = app;
    let closing: Promise<void> | undefined;
    return {
      app: started,
      config,
      httpUrl,
      grpcAddress: config.grpcListen,
      close: () =>
        (closing ??= (async () => {
          // in order: probes fail first; the workers stop claiming, let their batches commit and hand
          // their tasks back; then the servers close; the pool closes before an embedded server stops
          started.get(HealthState).setServing(false);
          await started.get(TaskWorker).shutdown(workerGraceMs(config));
          await started.get(CollectSweeper).shutdown();
          await started.close();
          await database.close();
          await tracing.shutdown();
          logger.log('inventory stopped', 'Bootstrap');
        })()),
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close();
    await tracing.shutdown();
    throw error;
  }
}
