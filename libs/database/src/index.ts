export * from './embedded-postgres';
export * from './database-url';
export * from './free-port';
