export * from './eventstoredb-event-store.adapter';
