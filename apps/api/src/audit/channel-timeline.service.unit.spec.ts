import type { AuditQuery } from '@mandate/audit';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import type { AuditIndexService } from './audit-index.service';
import { ChannelTimelineService, MAX_INSTANTS } from './channel-timeline.service';

const at = (position: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, position)).toISOString();
const event = (globalPosition: number, type: string, streamId: string, data: unknown = {}): RecordedEvent =>
  ({ globalPosition, type, streamId, data, recordedAt: at(globalPosition) }) as RecordedEvent;

/** A store holding the given streams, and an index answering `{channel, type}` and `{grant, type}`. */
function timelineOf(streams: Record<string, RecordedEvent[]>, indexed: RecordedEvent[] = []) {
  const store = { readStream: (streamId: string) => Promise.resolve(streams[streamId] ?? []) };
  const matches = ({ filter = {} }: AuditQuery) =>
    indexed.filter((recorded) => {
      const data = recorded.data as { channelId?: string; grantId?: string };
      return (
        (filter.type === undefined || recorded.type === filter.type) &&
        (filter.channel === undefined || data.channelId === filter.channel) &&
        (filter.grant === undefined || data.grantId === filter.grant)
      );
    });
  const audit = { index: { query: (query: AuditQuery) => ({ events: matches(query) }) } };
  return new ChannelTimelineService(store as unknown as EventStore, audit as unknown as AuditIndexService);
}

describe('ChannelTimelineService', () => {
  it('given baseline changes before and after the channel was created, when read, then its timeline starts at its creation, oldest first', async () => {
    const service = timelineOf({
      'channel-acme.eng': [
        event(3, 'ChannelCreated', 'channel-acme.eng'),
        event(6, 'ChannelForbidAdded', 'x'),
      ],
      'agent-identity-acme': [event(1, 'ConnectionAdded', 'a'), event(5, 'StandingInstructionsChanged', 'a')],
    });

    const timeline = await service.timeline('acme', 'eng');

    expect(timeline).toEqual({
      instants: [
        { at: at(3), position: 3, type: 'ChannelCreated' },
        { at: at(5), position: 5, type: 'StandingInstructionsChanged' },
        { at: at(6), position: 6, type: 'ChannelForbidAdded' },
      ],
      truncated: false,
    });
  });

  it("given a JIT grant in this channel and one in another, when read, then only this channel's grant and its end are listed", async () => {
    const service = timelineOf({ 'channel-acme.eng': [event(1, 'ChannelCreated', 'c')] }, [
      event(4, 'AccessGranted', 'r1', { channelId: 'eng', grantId: 'g1' }),
      event(5, 'AccessGranted', 'r2', { channelId: 'hush', grantId: 'g2' }),
      event(7, 'AccessRevoked', 'r2', { grantId: 'g2' }),
      event(8, 'AgentActionRecorded', 'a', { grantId: 'g1', channelId: 'eng' }),
      event(9, 'AccessExpired', 'r1', { grantId: 'g1' }),
    ]);

    const timeline = await service.timeline('acme', 'eng');

    expect(timeline.instants.map(({ position, type }) => [position, type])).toEqual([
      [1, 'ChannelCreated'],
      [4, 'AccessGranted'],
      [9, 'AccessExpired'],
    ]);
  });

  it('given more changes than a slider holds, when read, then the latest are kept and the answer says older ones were left out', async () => {
    const changes = Array.from({ length: MAX_INSTANTS + 5 }, (_, index) =>
      event(index + 1, index === 0 ? 'ChannelCreated' : 'ChannelSkillOverrideSet', 'c'),
    );
    const service = timelineOf({ 'channel-acme.eng': changes });

    const timeline = await service.timeline('acme', 'eng');

    expect(timeline.truncated).toBe(true);
    expect(timeline.instants).toHaveLength(MAX_INSTANTS);
    expect(timeline.instants[MAX_INSTANTS - 1].position).toBe(MAX_INSTANTS + 5);
  });
});
