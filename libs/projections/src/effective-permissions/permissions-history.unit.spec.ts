import { DomainError } from '@mandate/domain';
import type { ReadAllOptions } from '@mandate/event-store';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';
import { PermissionsHistory } from './permissions-history';

const WS = 'acme';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const CHANNELS = 40;

/** A workspace whose channel `c<i>` is created at T0 + (i + 1) s: one state per second. */
async function history(limits: ConstructorParameters<typeof PermissionsHistory>[2] = {}) {
  let now = T0;
  const clock = () => new Date(now);
  const store = openTestStore({ clock });
  const log = new IdentityLog(store, clock);
  await log.createWorkspace(WS);
  for (let index = 0; index < CHANNELS; index++) {
    now += 1_000;
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: `c${index}`,
      workspaceId: WS,
      name: `c${index}`,
      visibility: 'public',
    });
  }
  const projection = new EffectivePermissionsProjection();
  for (const event of await store.readAll()) projection.apply(event);
  const reads = { events: 0 };
  const reader = {
    readAll: async (options: ReadAllOptions) => {
      const events = await store.readAll(options);
      reads.events += events.length;
      return events;
    },
  };
  return { history: new PermissionsHistory(reader, projection, limits), reads, store, projection };
}

/** An instant at which exactly channels c0..c(n-1) exist. */
const withChannels = (n: number) => T0 + n * 1_000 + 500;

describe('PermissionsHistory: replays for `at` are bounded', () => {
  it('given one instant asked many times at once, when answered, then it is replayed once', async () => {
    const { history: subject } = await history();

    const answers = await Promise.all(Array.from({ length: 50 }, () => subject.asOf(WS, withChannels(7))));

    expect(subject.replays).toBe(1);
    expect(new Set(answers.map((answer) => answer.permissions)).size).toBe(1);
    expect(answers[0].permissions.channels.size).toBe(7);
  });

  it('given more distinct instants than the cache holds, cycled at once, when answered, then each is replayed once', async () => {
    const { history: subject } = await history({ queue: 64 });
    const instants = Array.from({ length: 30 }, (_, index) => withChannels(index + 1));

    const answers = await Promise.all([0, 1, 2].flatMap(() => instants.map((at) => subject.asOf(WS, at))));

    expect(subject.replays).toBe(30);
    expect(answers.slice(0, 30).map((answer) => answer.permissions.channels.size)).toEqual(
      instants.map((_, index) => index + 1),
    );
  });

  it('given more concurrent replays than the bound, when asked, then the excess is refused with a 503 problem, not queued', async () => {
    const { history: subject } = await history({ concurrency: 1, queue: 2 });

    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((channels) => subject.asOf(WS, withChannels(channels))),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused).toHaveLength(2);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(DomainError);
      expect(reason).toMatchObject({ kind: 'unavailable', code: 'replays-saturated' });
      expect((reason as DomainError).details.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('given replays waiting and new ones arriving as others finish, when answered, then no more than the bound ever run at once', async () => {
    const { store, projection } = await history();
    let active = 0;
    let most = 0;
    const slowReader = {
      readAll: async (options: ReadAllOptions) => {
        most = Math.max(most, ++active);
        await new Promise((resolve) => setTimeout(resolve, 10));
        active--;
        return store.readAll(options);
      },
    };
    const subject = new PermissionsHistory(slowReader, projection, { concurrency: 1, queue: 10 });

    const first = [1, 2, 3].map((channels) => subject.asOf(WS, withChannels(channels)));
    await first[0];
    const later = [4, 5, 6].map((channels) => subject.asOf(WS, withChannels(channels)));
    await Promise.all([...first, ...later]);

    expect(most).toBe(1);
  });

  it('given an earlier instant already replayed, when a later one is asked, then only the events in between are read', async () => {
    const { history: subject, reads, store, projection } = await history();
    await subject.asOf(WS, withChannels(30));
    const readForFirst = reads.events;

    const later = await subject.asOf(WS, withChannels(35));

    const { recordedAtMs } = projection.anyWorkspace(WS)?.timeline ?? { recordedAtMs: [] };
    const eventsUpTo = (at: number) => recordedAtMs.filter((recorded) => recorded <= at).length;
    expect(readForFirst).toBe(eventsUpTo(withChannels(30)));
    expect(reads.events - readForFirst).toBe(eventsUpTo(withChannels(35)) - eventsUpTo(withChannels(30)));
    const fresh = await new PermissionsHistory(store, projection).asOf(WS, withChannels(35));
    expect(later.permissions.toRecord()).toEqual(fresh.permissions.toRecord());
    expect([...later.permissions.compiled.channels.keys()]).toEqual(
      Array.from({ length: 35 }, (_, index) => `c${index}`),
    );
  });
});
