import type { AppConfig } from '@mandate/config';
import { EventSchemaRegistry } from '../schema/event-schema-registry';
import { auditFiles } from '../tamper/audit-files';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.adapter';

/**
 * The embedded store as configured: `SQLITE_PATH`, else `<DATA_DIR>/events.sqlite`;
 * `SQLITE_SYNCHRONOUS`; `SQLITE_POLL_INTERVAL_MS` (how soon another process's appends are seen).
 */
export function openConfiguredSqliteEventStore(
  config: Pick<AppConfig, 'DATA_DIR' | 'SQLITE_PATH' | 'SQLITE_SYNCHRONOUS'> &
    Partial<Pick<AppConfig, 'SQLITE_POLL_INTERVAL_MS'>>,
  schemas: EventSchemaRegistry,
  threads: Pick<SqliteEventStoreOptions, 'writer' | 'checkpoints'> = {},
): SqliteEventStore {
  return new SqliteEventStore({
    ...threads,
    path: auditFiles(config).events,
    schemas,
    synchronous: config.SQLITE_SYNCHRONOUS,
    pollIntervalMs: config.SQLITE_POLL_INTERVAL_MS,
  });
}
