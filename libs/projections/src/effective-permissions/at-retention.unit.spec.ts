import { DomainError } from '@mandate/domain';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';
import { PermissionsHistory } from './permissions-history';

const WS = 'acme';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A workspace whose channel `c<i>` is created at T0 + (i + 1) h, over `hours` hours. */
async function workspaceOver(hours: number, atRetentionMs?: number) {
  let now = T0;
  const clock = () => new Date(now);
  const store = openTestStore({ clock });
  const log = new IdentityLog(store, clock);
  await log.createWorkspace(WS);
  for (let index = 0; index < hours; index++) {
    now += HOUR;
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: `c${index}`,
      workspaceId: WS,
      name: `c${index}`,
      visibility: 'public',
    });
  }
  const projection = new EffectivePermissionsProjection({ atRetentionMs });
  for (const event of await store.readAll()) projection.apply(event);
  return { store, projection, history: new PermissionsHistory(store, projection) };
}

describe('the `at` timeline is kept for a retention horizon only', () => {
  it('given ten days of events and a one-day horizon, when folded, then the timeline and the snapshot hold about a day of events, not every event', async () => {
    // given / when
    const { projection } = await workspaceOver(240, DAY);
    const unbounded = (await workspaceOver(240)).projection;

    // then
    const kept = projection.workspace(WS)?.timeline.positions.length ?? 0;
    const every = unbounded.workspace(WS)?.timeline.recordedAtMs ?? [];
    const lastDay = every.filter((at) => at >= (every.at(-1) ?? 0) - DAY).length;
    expect(kept).toBeLessThanOrEqual(2 * lastDay + 1);
    expect(every.length).toBeGreaterThan(8 * lastDay);
    expect(JSON.stringify(projection.snapshot()).length).toBeLessThan(
      JSON.stringify(unbounded.snapshot()).length,
    );
  });

  it('given a one-day horizon, when asked for an instant within it, then the answer is the state then, replayed from the log', async () => {
    const { history } = await workspaceOver(240, DAY);

    const answer = await history.asOf(WS, T0 + 230 * HOUR + HOUR / 2);

    expect(answer.permissions.channels.size).toBe(230);
    expect([...answer.permissions.channels.keys()].at(-1)).toBe('c229');
  });

  it('given a one-day horizon, when asked for an instant before it, then it is refused with a stable code naming the horizon', async () => {
    const { history } = await workspaceOver(240, DAY);

    const refused = await history.asOf(WS, T0 + 5 * HOUR).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'at-beyond-retention' });
  });

  it('given a horizon, when the projection is rebuilt or restored from its snapshot and continued, then its state is the same', async () => {
    const { store, projection } = await workspaceOver(100, DAY);
    const restored = new EffectivePermissionsProjection({ atRetentionMs: DAY });
    const events = await store.readAll();
    const half = new EffectivePermissionsProjection({ atRetentionMs: DAY });
    for (const event of events.slice(0, 50)) half.apply(event);
    restored.restore(JSON.parse(JSON.stringify(half.snapshot())));
    for (const event of events.slice(50)) restored.apply(event);

    expect(restored.stateHash()).toBe(projection.stateHash());
  });
});
