import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HealthState } from '@cloud-inventory/grpc';
import { Clock, clockOf } from './common/clock';
import { DATABASE_URL } from './common/database-url';
import { ScopeResolver } from './common/scope-resolver';
import { DatabaseRuntime } from './database/database-runtime';
import { INVENTORY_CONFIG, InventoryConfig } from './inventory.config';
import { SecretCipher } from './secret/secret-cipher';

/** What every feature module gets: configuration, the database, the secret cipher, the caller's scope, the clock. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: InventoryConfig, database: DatabaseRuntime, cipher: SecretCipher): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: INVENTORY_CONFIG, useValue: config },
        { provide: DataSource, useValue: database.dataSource },
        { provide: DATABASE_URL, useValue: database.url },
        { provide: SecretCipher, useValue: cipher },
        { provide: Clock, useValue: clockOf(config) },
        ScopeResolver,
        HealthState,
      ],
      exports: [INVENTORY_CONFIG, DataSource, DATABASE_URL, SecretCipher, Clock, ScopeResolver, HealthState],
    };
  }
}
