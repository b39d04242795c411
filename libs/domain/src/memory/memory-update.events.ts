import { z } from 'zod';
import { idempotencyKeySchema } from '../agent-actions/agent-action.model';
import { recorderSchema } from '../agent-actions/agent-action.events';
import { eventSchemasOf, type EventsOf } from '../shared';
import { memoryDecisionSchema, memoryUpdateSchema } from './memory-update.model';

const recorded = z.object({
  updateId: z.uuid(),
  idempotencyKey: idempotencyKeySchema,
  /** The update as reported: `request`, as on agent actions, so the audit index finds its channel and invoker. */
  request: memoryUpdateSchema,
  decision: memoryDecisionSchema,
  /** The runtime that reported it. */
  recordedBy: recorderSchema,
});

const memoryUpdateEvents = {
  /** The agent wrote to or deleted from a namespace it may write: digest and size, never content. */
  MemoryUpdateRecorded: recorded,
  /** The runtime reported an update the write rules refuse: kept as evidence, answered 403. */
  MemoryUpdateDenied: recorded,
};

export type MemoryUpdateEvent = EventsOf<typeof memoryUpdateEvents>;
export const memoryUpdateEventSchemas = eventSchemasOf(memoryUpdateEvents);
