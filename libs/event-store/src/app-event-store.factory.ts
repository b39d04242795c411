import type { AppConfig } from '@mandate/config';
import { eventSchemas } from '@mandate/domain';
import { tracingEnabled } from '@mandate/observability';
import type { EventStore } from './event-store.port';
import { openEventStoreDbEventStore } from './eventstoredb';
import { openPostgresEventStore } from './postgres/postgres-event-store.adapter';
import { EventSchemaRegistry } from './schema/event-schema-registry';
import { openConfiguredSqliteEventStore } from './sqlite/sqlite-event-store.config';
import type { CatchUpSource } from './subscription/catch-up-subscription';
import type { CheckpointStore } from './subscription/checkpoint-store.port';
import { auditFiles } from './tamper/audit-files';
import { traceEventStore } from './tracing/traced-event-store';
import type { StoredEventSource } from './tamper/verify-event-log';

/**
 * What every configured store offers beyond the port: a follower waits on its head
 * (`waitForPosition`), a consumer that must resume where any node left off (the Kafka relay)
 * keeps its checkpoint in the store's own engine — a table of the SQLite file or of PostgreSQL, a
 * stream of EventStoreDB — and the chain verifier reads the log as stored (`readStored`). Code that
 * needs any of these asks for this, never for an adapter's class.
 */
export interface AppEventStore extends EventStore, StoredEventSource {
  waitForPosition: CatchUpSource['waitForPosition'];
  checkpointStore(): CheckpointStore;
}

export function isAppEventStore(store: EventStore): store is AppEventStore {
  const candidate = store as Partial<AppEventStore>;
  return (
    typeof candidate.checkpointStore === 'function' &&
    typeof candidate.waitForPosition === 'function' &&
    typeof candidate.readStored === 'function'
  );
}

type StoreSetting =
  'EVENT_STORE' | 'DATA_DIR' | 'SQLITE_PATH' | 'SQLITE_SYNCHRONOUS' | 'SQLITE_POLL_INTERVAL_MS';
export type EventStoreConfig = Pick<AppConfig, StoreSetting> &
  Partial<Pick<AppConfig, 'EVENTSTORE_CONNECTION_STRING' | 'EVENTSTORE_SEAL_WINDOW' | 'DATABASE_URL'>>;

/** Which store a configuration opens, and where: decided before anything is opened or connected. */
export type EventStoreTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'eventstoredb'; connectionString: string; sealWindow?: number };

export function eventStoreTargetOf(config: EventStoreConfig): EventStoreTarget {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return { kind: 'sqlite', path: auditFiles(config).events };
    case 'postgres':
      return { kind: 'postgres', connectionString: required(config, 'DATABASE_URL') };
    case 'eventstoredb':
      return {
        kind: 'eventstoredb',
        connectionString: required(config, 'EVENTSTORE_CONNECTION_STRING'),
        sealWindow: config.EVENTSTORE_SEAL_WINDOW,
      };
  }
}

/** How a process wants its store opened, beyond the configuration. */
export interface OpenStoreOptions {
  /**
   * SQLite only: commit on a thread of its own (sqlite-writer-thread.ts), for a process whose
   * requests wait for their appends and must not have its event loop blocked by the `fsync`.
   */
  sqliteWriter?: 'in-process' | 'thread';
  /** SQLite only: WAL checkpoints on a thread of their own (sqlite-wal-checkpoints.ts), for the same kind of process. */
  sqliteCheckpoints?: 'in-process' | 'thread';
}

/**
 * The one place a process turns `EVENT_STORE` into a store: the API, the worker, the gateway and
 * the CLI all open it here, with every domain event schema unless told otherwise (the verifier
 * reads the log as stored and needs none).
 */
export async function openAppEventStore(
  config: EventStoreConfig,
  schemas: EventSchemaRegistry = new EventSchemaRegistry(eventSchemas),
  options: OpenStoreOptions = {},
): Promise<AppEventStore> {
  // Traced only when the process installed tracing: otherwise the store itself, nothing between.
  const store = await openTargetStore(config, schemas, options);
  return tracingEnabled() ? traceEventStore(store) : store;
}

async function openTargetStore(
  config: EventStoreConfig,
  schemas: EventSchemaRegistry,
  options: OpenStoreOptions,
): Promise<AppEventStore> {
  const target = eventStoreTargetOf(config);
  switch (target.kind) {
    case 'sqlite':
      return openConfiguredSqliteEventStore(config, schemas, {
        ...(options.sqliteWriter && { writer: options.sqliteWriter }),
        ...(options.sqliteCheckpoints && { checkpoints: options.sqliteCheckpoints }),
      });
    case 'postgres':
      // Creates the log's tables when missing and waits for LISTEN, so the first append wakes followers.
      return openPostgresEventStore({ connectionString: target.connectionString, schemas });
    case 'eventstoredb':
      // The client connects on its first call: a server down at start fails that call, not the boot.
      return openEventStoreDbEventStore({
        connectionString: target.connectionString,
        schemas,
        sealWindow: target.sealWindow,
      });
  }
}

/** `loadConfig` refuses these already; a hand-built configuration gets the same message. */
function required(config: EventStoreConfig, name: 'EVENTSTORE_CONNECTION_STRING' | 'DATABASE_URL'): string {
  const value = config[name];
  if (!value) throw new Error(`${name}: required when EVENT_STORE=${config.EVENT_STORE}`);
  return value;
}
