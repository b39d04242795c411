import { ApplicationFailure } from '@temporalio/activity';
import { v5 as uuidv5 } from 'uuid';
import { accessRequestDecider, type AccessRequestEvent, isDomainError } from '@mandate/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@mandate/event-store';
import {
  type AccessActivities,
  type DecideAccessInput,
  type DecideAccessResult,
  DOMAIN_REFUSAL,
  type DomainRefusal,
} from '@mandate/workflows';

/** Namespace of the deterministic ids of events appended by workflow steps. */
const WORKFLOW_EVENT_NAMESPACE = '5b0d6a3e-0f4e-4c52-9a53-7f3f8c9e2a11';

const eventId = (stepKey: string, index: number): string =>
  uuidv5(`${stepKey}/${index}`, WORKFLOW_EVENT_NAMESPACE);

const toResult = (events: RecordedEvent[]): DecideAccessResult => ({
  events: events.map(({ type, data }) => ({ type, data })),
  position: events[events.length - 1]?.globalPosition ?? 0,
});

/**
 * The workflow's one activity: decide the command against the stored stream and append. A retry of
 * a step that already appended finds its events by their deterministic ids and returns them, so a
 * step writes at most once; a refusal by the decider is permanent (non-retryable).
 */
/** `source` may open the store lazily (the worker does, on the first activity). */
export function createAccessActivities(source: EventStore | (() => EventStore)): AccessActivities {
  const storeOf = typeof source === 'function' ? source : () => source;
  return {
    async decideAccess({ streamId, stepKey, correlationId, command }: DecideAccessInput) {
      const store = storeOf();
      const stored = await store.readStream(streamId);
      const firstId = eventId(stepKey, 0);
      const already = stored.findIndex((event) => event.id === firstId);
      if (already >= 0) {
        const ids = new Set(stored.slice(already).map((_, index) => eventId(stepKey, index)));
        return toResult(stored.slice(already).filter((event) => ids.has(event.id)));
      }
      const workspaceId =
        stored[0]?.workspaceId ?? (command.type === 'RequestAccess' ? command.workspaceId : undefined);
      if (workspaceId === undefined) {
        throw ApplicationFailure.nonRetryable(`Stream ${streamId} holds no access request`, DOMAIN_REFUSAL, {
          kind: 'not_found',
          code: 'request-not-found',
          message: 'Access request not found',
          issues: [],
        } satisfies DomainRefusal);
      }
      try {
        const result = await handleCommand(store, accessRequestDecider, streamId, command, {
          retryOnConflict: 3,
          toEnvelope: (events: AccessRequestEvent[]) =>
            events.map((event, index) => ({
              id: eventId(stepKey, index),
              type: event.type,
              data: event.data,
              occurredAt: command.now,
              workspaceId,
              actor: command.actor,
              metadata: { correlationId, causationId: stepKey },
            })),
        });
        return { ...toResult(result.events), position: result.position };
      } catch (error) {
        if (!isDomainError(error)) throw error;
        throw ApplicationFailure.nonRetryable(error.message, DOMAIN_REFUSAL, {
          kind: error.kind,
          code: error.code,
          message: error.message,
          issues: error.issues,
        } satisfies DomainRefusal);
      }
    },
  };
}
