import { INVOKER_RIGHT_TTL_MS, type InvokerRightSource } from '@mandate/credentials';
import type { CompiledWorkspace, InvokerPermission, LeaseRequest, PermissionQuery } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { EffectivePermissionsProjection } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { InvokerRightsResolver } from './invoker-rights.resolver';

const WS = 'acme';
/** Ten seconds before midnight: observations near it land on two days' streams. */
const T0 = Date.parse('2026-11-30T23:59:50.000Z');
/** `invokedBy: null`: nobody invoked it. */
const read = (resource = 'acme/payroll', invokedBy: string | null = 'erin'): PermissionQuery => ({
  channelId: 'eng',
  connector: 'github',
  action: 'read',
  resource,
  ...(invokedBy !== null && { invokedBy }),
});

async function given() {
  let now = T0;
  const clock = { now: () => new Date(now) };
  const store = openTestStore({ clock: clock.now });
  const log = new IdentityLog(store, clock.now);
  await log.workspace(WS, 'olivia', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  await log.baseline(WS, 'olivia', {
    connections: [
      { id: 'gh', connector: 'github', account: 'app', actions: ['read'], resources: ['acme/*'] },
    ],
    overlays: [
      {
        id: 'own-right',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/payroll', 'acme/hr'],
        invoker: { invokerCan: true },
      },
    ],
  });
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'eng',
    visibility: 'public',
  });
  await link(store, 'erin', 'erin-gh');
  const projection = new EffectivePermissionsProjection();
  for (const event of await store.readAll()) projection.apply(event);
  const compiled = projection.workspace(WS)?.compiled as CompiledWorkspace;
  const answers: Record<string, InvokerPermission | Error> = { 'erin-gh': 'read' };
  const asked: string[] = [];
  const source: InvokerRightSource = {
    permission: async (_workspaceId, _connector, resource, login) => {
      asked.push(`${resource}:${login}`);
      const answer = answers[login];
      if (answer instanceof Error) throw answer;
      return answer ?? 'none';
    },
  };
  const resolver = new InvokerRightsResolver(store, clock, source, {
    warn: () => undefined,
  } as unknown as Logger);
  const observed = async () =>
    (await store.readAll())
      .filter((event) => event.type === 'InvokerRightObserved')
      .map((event) => event.data);
  return {
    store,
    compiled,
    resolver,
    asked,
    answers,
    observed,
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

const link = (store: EventStore, principalId: string, login: string) =>
  store.append(
    `external-accounts-${WS}`,
    [
      {
        id: `link-${principalId}`,
        type: 'ExternalAccountLinked',
        data: { principalId, connector: 'github', login },
        occurredAt: new Date(T0).toISOString(),
        workspaceId: WS,
        actor: { kind: 'user', id: 'olivia' },
        metadata: { correlationId: 'spec', causationId: null },
      },
    ],
    { expectedRevision: 'any' },
  );

describe('InvokerRightsResolver', () => {
  it('given a query no invokerCan overlay covers, or nobody invoked, hands it back as it is, synchronously', async () => {
    const { resolver, compiled, asked } = await given();
    for (const query of [read('acme/api'), read('acme/payroll', null), read('acme//payroll')]) {
      expect(resolver.withRight(WS, compiled, query)).toBe(query);
    }
    expect(asked).toEqual([]);
  });

  it('given an overlay asking, observes the linked login once per key while fresh, and records each observation', async () => {
    const { resolver, compiled, asked, observed, advance } = await given();
    expect((await resolver.withRight(WS, compiled, read())).invokerRight).toEqual({
      permission: 'read',
      observedAt: new Date(T0).toISOString(),
    });
    advance(INVOKER_RIGHT_TTL_MS - 1);
    expect((await resolver.withRight(WS, compiled, read('ACME/payroll.git'))).invokerRight?.permission).toBe(
      'read',
    );
    expect(asked).toEqual(['acme/payroll:erin-gh']);
    advance(1);
    await resolver.withRight(WS, compiled, read());
    expect(asked).toEqual(['acme/payroll:erin-gh', 'acme/payroll:erin-gh']);
    expect(await observed()).toEqual([
      expect.objectContaining({
        principalId: 'erin',
        login: 'erin-gh',
        permission: 'read',
        resource: 'acme/payroll',
        channelId: 'eng',
      }),
      expect.objectContaining({ principalId: 'erin', permission: 'read' }),
    ]);
  });

  it('asks once for concurrent checks of one key, and apart for another resource', async () => {
    const { resolver, compiled, asked } = await given();
    await Promise.all([
      resolver.withRight(WS, compiled, read()),
      resolver.withRight(WS, compiled, read()),
      resolver.withRight(WS, compiled, read('acme/hr')),
    ]);
    expect(asked).toEqual(['acme/payroll:erin-gh', 'acme/hr:erin-gh']);
  });

  it('given no linked login, observes none without asking', async () => {
    const { resolver, compiled, asked, observed } = await given();
    expect(
      (await resolver.withRight(WS, compiled, read('acme/payroll', 'dave'))).invokerRight?.permission,
    ).toBe('none');
    expect(asked).toEqual([]);
    expect(await observed()).toEqual([
      expect.objectContaining({ principalId: 'dave', login: null, permission: 'none' }),
    ]);
  });

  it('given the connector fails, observes nothing, records nothing and asks again next time', async () => {
    const { resolver, compiled, asked, answers, observed } = await given();
    answers['erin-gh'] = new Error('GitHub is down');
    expect((await resolver.withRight(WS, compiled, read())).invokerRight).toBeUndefined();
    answers['erin-gh'] = 'write';
    expect((await resolver.withRight(WS, compiled, read())).invokerRight?.permission).toBe('write');
    expect(asked).toHaveLength(2);
    expect(await observed()).toHaveLength(1);
  });

  it('as of an instant, uses the observation that stood then and never asks', async () => {
    const { resolver, compiled, asked, answers, advance } = await given();
    await resolver.withRight(WS, compiled, read());
    advance(INVOKER_RIGHT_TTL_MS);
    answers['erin-gh'] = 'none';
    await resolver.withRight(WS, compiled, read());
    const questions = asked.length;
    const at = async (ms: number) => (await resolver.withRightAt(WS, compiled, read(), ms)).invokerRight;
    expect(await at(T0 - 1)).toBeUndefined();
    expect(await at(T0)).toEqual({ permission: 'read', observedAt: new Date(T0).toISOString() });
    // The first observation was recorded the day before: a replay past midnight still finds it.
    expect((await at(T0 + INVOKER_RIGHT_TTL_MS - 1))?.permission).toBe('read');
    expect((await at(T0 + INVOKER_RIGHT_TTL_MS))?.permission).toBe('none');
    expect(await at(T0 + 2 * INVOKER_RIGHT_TTL_MS)).toBeUndefined();
    expect(
      (await resolver.withRightAt(WS, compiled, read('acme/payroll', 'dave'), T0)).invokerRight,
    ).toBeUndefined();
    expect(asked.length).toBe(questions);
  });

  it('for a recorded lease, reads back the right it was issued on, or a newer one, and never asks', async () => {
    const { resolver, compiled, asked, answers, advance, now } = await given();
    await resolver.withRight(WS, compiled, read());
    const lease: LeaseRequest & { issuedAt: string } = {
      channelId: 'eng',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/payroll', 'acme/api'],
      invokedBy: 'erin',
      issuedAt: new Date(now() + 1_000).toISOString(),
    };
    const questions = asked.length;
    const standing = async (atMs: number) =>
      (await resolver.forStanding(WS, compiled, lease, atMs)).invokerRights;
    // Long after the observation's 30 s, across midnight, the lease still stands on it
    advance(10 * INVOKER_RIGHT_TTL_MS);
    expect(await standing(now())).toEqual(
      new Map([['acme/payroll', { permission: 'read', observedAt: new Date(T0).toISOString() }]]),
    );
    // A newer observation that erin lost the right is what it stands on from then on
    answers['erin-gh'] = 'none';
    await resolver.withRight(WS, compiled, read());
    expect((await standing(now()))?.get('acme/payroll')?.permission).toBe('none');
    expect(asked.length).toBe(questions + 1);
    // An observation older than the lease's issue by more than 30 s is not the one it was issued on
    const later = { ...lease, issuedAt: new Date(T0 + INVOKER_RIGHT_TTL_MS + 1_000).toISOString() };
    const fromEarlier = await resolver.forStanding(WS, compiled, later, T0 + INVOKER_RIGHT_TTL_MS + 2_000);
    expect(fromEarlier).toBe(later);
  });

  it('for a lease, observes each covered resource once and leaves the others', async () => {
    const { resolver, compiled, asked } = await given();
    const lease: LeaseRequest = {
      channelId: 'eng',
      connector: 'github',
      actions: ['read', 'write'],
      resources: ['acme/payroll', 'acme/api'],
      invokedBy: 'erin',
    };
    const withRights = await resolver.forLease(WS, compiled, lease);
    expect([...(withRights.invokerRights ?? new Map()).keys()]).toEqual(['acme/payroll']);
    expect(asked).toEqual(['acme/payroll:erin-gh']);
    expect(await resolver.forLease(WS, compiled, { ...lease, resources: ['acme/api'] })).not.toHaveProperty(
      'invokerRights',
    );
  });
});
