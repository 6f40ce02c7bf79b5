import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_RUNTIME, AuthRuntime } from './auth-runtime';
import { AuthGuard } from './auth.guard';

/** Authentication and roles of every call (auth.guard.ts), for the whole app. */
@Module({})
export class AuthModule {
  static forRoot(runtime: AuthRuntime): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: AUTH_RUNTIME, useValue: runtime }, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
