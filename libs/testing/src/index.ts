export * from './app-process';
export * from './inventory-clients';
export * from './inventory-invariants';
export * from './json';
export * from './stack';
export * from './prometheus';
export * from './tokens';
