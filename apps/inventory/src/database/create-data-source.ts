import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
}

/** The one DataSource definition, shared by the app, the migration tools and the tests. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn'],
    poolSize: options.poolSize,
    applicationName: options.applicationName ?? 'inventory',
    extra: { connectionTimeoutMillis: 10_000 },
  });
}
