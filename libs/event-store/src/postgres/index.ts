export * from './postgres-schema';
export * from './postgres-event-store.adapter';
export * from './postgres-checkpoint-store';
