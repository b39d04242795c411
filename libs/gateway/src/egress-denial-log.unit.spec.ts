import type { NewEvent } from '@mandate/event-store';
import { EgressDenialLog, type EgressDenial } from './egress-denial-log';

const NOW = Date.parse('2026-11-30T12:00:00Z');

function given() {
  const written: NewEvent[] = [];
  const log = new EgressDenialLog({
    store: {
      append: async (_stream: string, events: NewEvent[]) => {
        written.push(...events);
        return { nextExpectedRevision: 0, position: 0 } as never;
      },
    },
    nowMs: () => NOW,
  });
  return { log, written };
}

const denial = (rule: string, reason: string): EgressDenial => ({
  workspaceId: 'acme',
  channelId: 'eng',
  host: 'api.github.com',
  port: 443,
  rule,
  reason,
});
const agent = { kind: 'agent' as const, id: 'run-1' };

describe('EgressDenialLog: what a refusal is recorded as', () => {
  it('given a host refused as not allowlisted, when it is refused again within the minute for another reason (the identity disabled), then that reason is recorded at once, not counted under the first', async () => {
    const { log, written } = given();
    await log.record(agent, denial('not-allowlisted', 'api.github.com:443 is not on the egress allowlist'));

    await log.record(agent, denial('channel/eng/disabled', 'The agent identity is disabled in this channel'));

    expect(written.map((event) => (event.data as { rule: string; count: number }).rule)).toEqual([
      'not-allowlisted',
      'channel/eng/disabled',
    ]);
  });

  it('given a host refused, when it is refused again within the minute for the same reason, then it is counted, not written', async () => {
    const { log, written } = given();
    await log.record(agent, denial('not-allowlisted', 'not on the list'));

    await log.record(agent, denial('not-allowlisted', 'not on the list'));

    expect(written).toHaveLength(1);
    await log.stop();
    expect(written.map((event) => (event.data as { count: number }).count)).toEqual([1, 1]);
  });
});
