import type { ZodType } from 'zod';

/**
 * One version of one event type's `data`. Deciders' modules export these; the event store
 * validates `data` on append against the newest version and upcasts older ones on read, one
 * version step at a time. Events are never rewritten.
 */
export interface EventSchema<Data = unknown> {
  type: string;
  version: number;
  schema: ZodType<Data>;
  /** Turns data of `version - 1` into this version's shape. Absent for version 1. */
  upcast?: (previous: unknown) => Data;
}

export const defineEventSchema = <Data>(definition: EventSchema<Data>): EventSchema<Data> => definition;
