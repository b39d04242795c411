import { Inject, Injectable } from '@nestjs/common';
import type { AuditFilter } from '@mandate/audit';
import { agentIdentityStreamId, channelStreamId } from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { EVENT_STORE } from '../event-store/event-store.module';
import { AuditIndexService } from './audit-index.service';

/** One recorded change: `at` is its recording time, the instant `effective-identity?at=` resolves by. */
export interface TimelineInstant {
  at: string;
  position: number;
  type: string;
}

export interface ChannelTimeline {
  /** Oldest first, the most recent `MAX_INSTANTS` only. */
  instants: TimelineInstant[];
  /** Older changes were left out. */
  truncated: boolean;
}

/** Enough stops for a slider a person moves; older instants stay reachable by typing them. */
export const MAX_INSTANTS = 200;
/** JIT grants of the channel looked at, newest first; each adds its extensions and its end. */
const MAX_GRANTS = 50;
/** What a grant records after it starts (agent actions naming the grant are not its changes). */
const GRANT_CHANGES = ['AccessExtended', 'AccessRevoked', 'AccessExpired'];

/**
 * The instants at which a channel's effective identity may have changed since it was created: its
 * own stream (overrides, members, archive), the workspace baseline (which every channel inherits)
 * and the JIT grants made in this channel (granted, extended, ended). Grants of other channels are never named, so a
 * private channel's activity does not show on another channel's timeline.
 */
@Injectable()
export class ChannelTimelineService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly audit: AuditIndexService,
  ) {}

  async timeline(workspaceId: string, channelId: string): Promise<ChannelTimeline> {
    const [channel, baseline] = await Promise.all([
      this.store.readStream(channelStreamId(workspaceId, channelId)),
      this.store.readStream(agentIdentityStreamId(workspaceId)),
    ]);
    // Before its creation the channel has no identity to show: its timeline starts there.
    const created = channel[0]?.globalPosition ?? Infinity;
    const events = [...channel, ...baseline, ...this.grantEvents(workspaceId, channelId)];
    const byPosition = new Map(events.map((event) => [event.globalPosition, event]));
    const ordered = [...byPosition.values()]
      .filter((event) => event.globalPosition >= created)
      .sort((a, b) => a.globalPosition - b.globalPosition);
    return {
      instants: ordered
        .slice(-MAX_INSTANTS)
        .map(({ recordedAt, globalPosition, type }) => ({ at: recordedAt, position: globalPosition, type })),
      truncated: ordered.length > MAX_INSTANTS,
    };
  }

  /** From the audit index: the channel's grants, then each grant's own events. */
  private grantEvents(workspaceId: string, channelId: string): RecordedEvent[] {
    const query = (filter: AuditFilter, limit: number) =>
      this.audit.index.query({ workspaceId, filter, order: 'newest', limit }).events;
    const granted = query({ channel: channelId, type: 'AccessGranted' }, MAX_GRANTS);
    return granted.flatMap((grant) => {
      const grantId = (grant.data as { grantId: string }).grantId;
      return [grant, ...GRANT_CHANGES.flatMap((type) => query({ grant: grantId, type }, 20))];
    });
  }
}
