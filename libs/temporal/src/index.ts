export * from './pino-temporal.logger';
export * from './temporal-client.factory';
export * from './temporal-settings';
export * from './temporal-worker.factory';
