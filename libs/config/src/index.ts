export * from './config.schema';
export * from './load-config';
export * from './api-url';
export * from './secret-key-file';
export * from './config-file';
