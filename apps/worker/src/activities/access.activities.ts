import { v5 as uuidv5 } from 'uuid';
import { type AccessRequestEvent, accessRequestStreamId, DomainError, isDomainError } from '@mandate/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@mandate/event-store';
import {
  type AccessActivities,
  type DecideAccessInput,
  type DecideAccessResult,
  toRefusal,
} from '@mandate/workflows';
import { signedByApi, withAuthorityFromLog } from './access-authority';
import { requireSwitchAuthority } from './kill-switch-authority';

/** Namespace of the deterministic ids of events appended by workflow steps. */
const WORKFLOW_EVENT_NAMESPACE = '5b0d6a3e-0f4e-4c52-9a53-7f3f8c9e2a11';

const eventId = (stepKey: string, index: number): string =>
  uuidv5(`${stepKey}/${index}`, WORKFLOW_EVENT_NAMESPACE);

/** With the envelope's actor, which says who asked in requests recorded before events named the kind. */
const toResult = (events: RecordedEvent[]): DecideAccessResult => ({
  events: events.map(({ type, data, actor }) => ({ type, data, actor })),
  position: events[events.length - 1]?.globalPosition ?? 0,
});

/**
 * The workflow's one activity, and the authoritative step: decide the command against the stored
 * stream and append. Temporal is not trusted with authority: the command must carry the API's
 * signature, and the caller's roles and a request's policy are read from the log, whatever the
 * payload says. A retry of a step that already appended finds its events by their deterministic
 * ids and returns them, so a step writes at most once; a refusal is permanent (non-retryable).
 *
 * `source` and `commandKey` may be loaded lazily (the worker does, on the first activity).
 */
export function createAccessActivities(
  source: EventStore | (() => EventStore | Promise<EventStore>),
  commandKey: Buffer | (() => Buffer),
): AccessActivities {
  const storeOf = typeof source === 'function' ? source : () => source;
  const keyOf = typeof commandKey === 'function' ? commandKey : () => commandKey;
  return {
    async decideAccess({ streamId, stepKey, correlationId, command, signature }: DecideAccessInput) {
      const store = await storeOf();
      const stored = await store.readStream(streamId);
      const firstId = eventId(stepKey, 0);
      const already = stored.findIndex((event) => event.id === firstId);
      if (already >= 0) {
        const ids = new Set(stored.slice(already).map((_, index) => eventId(stepKey, index)));
        return toResult(stored.slice(already).filter((event) => ids.has(event.id)));
      }
      try {
        // A request goes to the stream its (signed) id names; anything else to the stored request's.
        const workspaceId = command.type === 'RequestAccess' ? command.workspaceId : stored[0]?.workspaceId;
        if (
          workspaceId === undefined ||
          (command.type === 'RequestAccess' &&
            streamId !== accessRequestStreamId(command.workspaceId, command.requestId))
        ) {
          throw new DomainError('not_found', 'request-not-found', 'Access request not found');
        }
        const trusted = await withAuthorityFromLog(store, workspaceId, command);
        const channelId =
          command.type === 'RequestAccess'
            ? command.channelId
            : (stored[0]?.data as { channelId?: string } | undefined)?.channelId;
        await requireSwitchAuthority(store, workspaceId, channelId, trusted);
        const result = await handleCommand(store, signedByApi(keyOf(), signature), streamId, trusted, {
          retryOnConflict: 3,
          toEnvelope: (events: AccessRequestEvent[]) =>
            events.map((event, index) => ({
              id: eventId(stepKey, index),
              type: event.type,
              data: event.data,
              occurredAt: trusted.now,
              workspaceId,
              actor: trusted.actor,
              metadata: { correlationId, causationId: stepKey },
            })),
        });
        return { ...toResult(result.events), position: result.position };
      } catch (error) {
        if (!isDomainError(error)) throw error;
        throw toRefusal(error);
      }
    },
  };
}
