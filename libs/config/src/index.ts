export * from './parse-config';
export * from './logger-options';
