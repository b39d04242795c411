import type * as Adapter from './eventstoredb-event-store.adapter';
import type { EventStoreDbEventStore, OpenEventStoreDbOptions } from './eventstoredb-event-store.adapter';

export type {
  EventStoreDbClient,
  EventStoreDbEventStore,
  EventStoreDbEventStoreOptions,
  OpenEventStoreDbOptions,
} from './eventstoredb-event-store.adapter';
export type {
  EventStoreDbCheckpointClient,
  EventStoreDbCheckpointStore,
} from './eventstoredb-checkpoint-store';

/**
 * The adapter and its gRPC client are loaded by the process that opens this store: every process
 * imports the library, and one on SQLite or PostgreSQL never needs the client (megabytes of heap).
 */
export function openEventStoreDbEventStore(options: OpenEventStoreDbOptions): EventStoreDbEventStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  const adapter = require('./eventstoredb-event-store.adapter') as typeof Adapter;
  return adapter.openEventStoreDbEventStore(options);
}
