export * from './leadership.port';
export * from './postgres-leadership';
export * from './leadership.factory';
