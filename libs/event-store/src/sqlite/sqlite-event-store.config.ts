import type { AppConfig } from '@mandate/config';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import { auditFiles } from '../tamper/audit-files';
import { SqliteEventStore } from './sqlite-event-store.adapter';

/** The embedded store as configured: `SQLITE_PATH`, else `<DATA_DIR>/events.sqlite`; `SQLITE_SYNCHRONOUS`. */
export function openConfiguredSqliteEventStore(
  config: Pick<AppConfig, 'DATA_DIR' | 'SQLITE_PATH' | 'SQLITE_SYNCHRONOUS'>,
  schemas: EventSchemaRegistry,
): SqliteEventStore {
  return new SqliteEventStore({
    path: auditFiles(config).events,
    schemas,
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
}
