import { type CustomTypesConfig, types } from 'pg';
import { EVENT_COLUMNS } from '../sqlite/sqlite-event-row';
import type { PostgresLogTables } from './postgres-schema';

/**
 * The events table has the SQLite table's columns in the same order, so a row fetched as an array
 * with eventRowTypes is an EventTuple as it arrives.
 */
export const selectEventSql = (tables: PostgresLogTables): string =>
  `SELECT ${EVENT_COLUMNS.join(', ')} FROM ${tables.events}`;

/**
 * The parsers for event rows: `pg`'s own, except that `global_position` (BIGINT, which `pg` hands
 * over as a string so as to lose no digits, after checking it with a regular expression) becomes a
 * number as it is decoded; positions stay far below 2^53. Converting it afterwards took a second
 * pass over every page read (docs/event-store.md).
 */
export function eventRowTypes(): CustomTypesConfig {
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8
      ? Number
      : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'];
  return { getTypeParser };
}
