export * from './app-process';
export * from './inventory-clients';
export * from './stack';
