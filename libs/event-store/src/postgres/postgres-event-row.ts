import { EVENT_COLUMNS, type EventTuple, at } from '../sqlite/sqlite-event-row';
import type { PostgresLogTables } from './postgres-schema';

/**
 * The events table has the SQLite table's columns in the same order, so a row fetched as an array
 * is an EventTuple once `global_position` (BIGINT, which `pg` hands over as a string to lose no
 * digits) is a number. Positions stay far below 2^53.
 */
export const selectEventSql = (tables: PostgresLogTables): string =>
  `SELECT ${EVENT_COLUMNS.join(', ')} FROM ${tables.events}`;

export function eventTupleOf(row: unknown[]): EventTuple {
  row[at.global_position] = Number(row[at.global_position]);
  return row as unknown as EventTuple;
}
