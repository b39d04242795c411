export * from './pino-temporal.logger';
export * from './temporal-client.factory';
export * from './temporal-settings';
export * from './temporal-worker.factory';
export * from './jit-command-key';
export * from './jit-command-signature';
export * from './task-queue-pollers';
export * from './lease-request-signature';
