import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { defineEventSchema } from '@mandate/domain';
import type { NewEvent } from '../src/event-store.port';
import { EventSchemaRegistry } from '../src/schema/event-schema-registry';

/**
 * Event types the store's own tests use. `ItemCounted` has two versions: v1 stored `qty`, v2
 * renamed it to `quantity` and added `unit`, so reads exercise the upcaster.
 */
export const testEventSchemas = [
  defineEventSchema({
    type: 'NoteWritten',
    version: 1,
    schema: z.object({ text: z.string(), batch: z.string().optional(), size: z.number().int().optional() }),
  }),
  defineEventSchema({
    type: 'ItemCounted',
    version: 1,
    schema: z.object({ sku: z.string().min(1), qty: z.number().int() }),
  }),
  defineEventSchema({
    type: 'ItemCounted',
    version: 2,
    schema: z.object({ sku: z.string().min(1), quantity: z.number().int().nonnegative(), unit: z.string() }),
    upcast: (previous) => {
      const { sku, qty } = previous as { sku: string; qty: number };
      return { sku, quantity: qty, unit: 'piece' };
    },
  }),
];

export const testEventRegistry = () => new EventSchemaRegistry(testEventSchemas);

export function newEvent(type: string, data: unknown, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: uuidv7(),
    type,
    data,
    occurredAt: '2026-01-01T00:00:00.000Z',
    workspaceId: 'ws-test',
    actor: { kind: 'system', id: 'test' },
    metadata: { correlationId: 'corr-test', causationId: null },
    ...overrides,
  };
}

export const note = (text: string, overrides: Partial<NewEvent> = {}): NewEvent =>
  newEvent('NoteWritten', { text }, overrides);

export const notes = (count: number, prefix = 'note'): NewEvent[] =>
  Array.from({ length: count }, (_, index) => note(`${prefix}-${index}`));
