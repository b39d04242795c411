export * from './eventstoredb-event-store.adapter';
export * from './eventstoredb-checkpoint-store';
