import type * as DbClient from '@eventstore/db-client';
import type { Leadership } from '../leadership/leadership.port';
import type * as Adapter from './eventstoredb-event-store.adapter';
import type { EventStoreDbEventStore, OpenEventStoreDbOptions } from './eventstoredb-event-store.adapter';
import type * as LeadershipModule from './eventstoredb-leadership';

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
export type { EventStoreDbLeadership, EventStoreDbLeadershipOptions } from './eventstoredb-leadership';

/**
 * The adapter and its gRPC client are loaded by the process that opens this store: every process
 * imports the library, and one on SQLite or PostgreSQL never needs the client (megabytes of heap).
 */
export function openEventStoreDbEventStore(options: OpenEventStoreDbOptions): EventStoreDbEventStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  const adapter = require('./eventstoredb-event-store.adapter') as typeof Adapter;
  return adapter.openEventStoreDbEventStore(options);
}

/** Leadership by a lease in the server itself (eventstoredb-leadership.ts), on a client of its own per role. */
export function openEventStoreDbLeadership(
  options: { connectionString: string } & Omit<LeadershipModule.EventStoreDbLeadershipOptions, 'connect'>,
): Leadership {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, as above
  const { EventStoreDbLeadership } = require('./eventstoredb-leadership') as typeof LeadershipModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, as above
  const { EventStoreDBClient } = require('@eventstore/db-client') as typeof DbClient;
  const { connectionString, ...settings } = options;
  return new EventStoreDbLeadership({
    ...settings,
    connect: () => EventStoreDBClient.connectionString(connectionString),
  });
}
