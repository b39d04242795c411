import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, InvokerPermission, ObservedInvokerRight } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { currentRequestId } from '@mandate/observability';

/** How long an observed invoker right stands, live and when an answer as of a past instant replays it. */
export const INVOKER_RIGHT_TTL_MS = 30_000;

/** Who asked about what: one invoker, one connector, one canonical resource. */
export interface InvokerRightKey {
  workspaceId: string;
  principalId: string;
  connector: string;
  resource: string;
}

const DAY_MS = 86_400_000;

/**
 * One stream per key and UTC day, so no stream grows without bound (at most one observation per
 * key per TTL on each API instance) and an answer as of an instant reads one or two short streams.
 */
export function invokerRightStreamId(key: InvokerRightKey, atMs: number): string {
  const day = new Date(atMs - (atMs % DAY_MS)).toISOString().slice(0, 10);
  const digest = createHash('sha256')
    .update(JSON.stringify([key.principalId, key.connector, key.resource]))
    .digest('hex')
    .slice(0, 32);
  return `invoker-right-${key.workspaceId}.${day}.${digest}`;
}

interface ObservedData {
  principalId: string;
  connector: string;
  resource: string;
  login: string | null;
  permission: InvokerPermission;
}

/**
 * The recorded observations of invoker rights (`InvokerRightObserved`): written when the API (or
 * the gateway, for a connector call) asked the connector, read back for answers as of a past
 * instant, which never ask again.
 */
export class InvokerRightLog {
  constructor(private readonly store: Pick<EventStore, 'append' | 'readStream'>) {}

  async record(
    key: InvokerRightKey,
    observed: { login: string | null; permission: InvokerPermission; channelId: string },
    atMs: number,
    actor: Actor,
  ): Promise<ObservedInvokerRight> {
    const occurredAt = new Date(atMs).toISOString();
    const { workspaceId, principalId, connector, resource } = key;
    await this.store.append(
      invokerRightStreamId(key, atMs),
      [
        {
          id: uuidv7(),
          type: 'InvokerRightObserved',
          data: { principalId, connector, resource, ...observed },
          occurredAt,
          workspaceId,
          actor,
          metadata: { correlationId: currentRequestId() ?? uuidv7(), causationId: null },
        },
      ],
      { expectedRevision: 'any' },
    );
    return { permission: observed.permission, observedAt: occurredAt };
  }

  /**
   * The observation that stood at `atMs`: the last one recorded for the key at or before it and
   * less than the TTL before it, exactly what a live answer at that instant used. Undefined when
   * none was: such an `invokerCan` overlay then denies, as it does live without an observation.
   */
  async at(key: InvokerRightKey, atMs: number): Promise<ObservedInvokerRight | undefined> {
    return this.lastIn(key, atMs - INVOKER_RIGHT_TTL_MS + 1, atMs);
  }

  /**
   * The last observation recorded for the key from `fromMs` to `atMs` (both included), however old:
   * what a lease stands on, from the one its issue was decided with to any newer one.
   */
  async latest(
    key: InvokerRightKey,
    fromMs: number,
    atMs: number,
  ): Promise<ObservedInvokerRight | undefined> {
    return this.lastIn(key, fromMs, atMs);
  }

  private async lastIn(
    key: InvokerRightKey,
    fromMs: number,
    atMs: number,
  ): Promise<ObservedInvokerRight | undefined> {
    const streams = new Set<string>();
    for (let dayMs = fromMs - (fromMs % DAY_MS); dayMs <= atMs; dayMs += DAY_MS) {
      streams.add(invokerRightStreamId(key, dayMs));
    }
    let found: { data: ObservedData; atMs: number } | undefined;
    for (const streamId of streams) {
      for (const event of await this.store.readStream(streamId)) {
        const data = event.data as ObservedData;
        const observedMs = Date.parse(event.occurredAt);
        const same =
          data.principalId === key.principalId &&
          data.connector === key.connector &&
          data.resource === key.resource;
        if (!same || observedMs > atMs || observedMs < fromMs) continue;
        if (found === undefined || observedMs >= found.atMs) found = { data, atMs: observedMs };
      }
    }
    return found && { permission: found.data.permission, observedAt: new Date(found.atMs).toISOString() };
  }
}
