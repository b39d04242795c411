import type { z, ZodType } from 'zod';
import type { DomainEvent } from './decider';
import { defineEventSchema, type EventSchema } from './event-schema';

/** An aggregate's events as a map from type to the zod schema of its data (version 1). */
export type EventSchemaMap = Record<string, ZodType>;

/** The discriminated union of events described by a map. */
export type EventsOf<Map extends EventSchemaMap> = {
  [Type in keyof Map & string]: DomainEvent<Type, z.output<Map[Type]>>;
}[keyof Map & string];

/** The registrable list (`EventSchema` per type, version 1) of a map. */
export const eventSchemasOf = (map: EventSchemaMap): EventSchema[] =>
  Object.entries(map).map(([type, schema]) => defineEventSchema({ type, version: 1, schema }));
