import type { RecordedEvent } from '@mandate/event-store';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';
import { PermissionsHistory } from './permissions-history';

const WS = 'acme';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

async function seededLog() {
  let now = T0;
  const clock = () => new Date(now);
  const store = openTestStore({ clock });
  const log = new IdentityLog(store, clock);
  await log.createWorkspace(WS);
  await log.baseline(WS, 'olivia', {
    connections: [
      { id: 'gh', connector: 'github', account: 'bot', actions: ['write'], resources: ['acme/**'] },
    ],
    forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
  });
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'Engineering',
    visibility: 'public',
  });
  await log.channel(WS, 'olivia', {
    type: 'RestrictChannel',
    channelId: 'eng',
    rule: { id: 'no-infra', connector: 'github', actions: ['write'], resources: ['acme/infra'] },
  });
  return { store, log, advance: (ms: number) => (now += ms) };
}

async function project(
  events: RecordedEvent[],
  projection = new EffectivePermissionsProjection(),
): Promise<EffectivePermissionsProjection> {
  for (const event of events) projection.apply(event);
  return projection;
}

const query = (resource: string, action = 'write') => ({
  channelId: 'eng',
  connector: 'github',
  action,
  resource,
});

describe('EffectivePermissionsProjection', () => {
  it('given a baseline connection, when checking a covered resource, then it allows with baseline provenance and the position', async () => {
    const { store } = await seededLog();
    const projection = await project(await store.readAll());

    const decision = projection.check(WS, query('acme/api'), T0);

    expect(decision).toMatchObject({
      allowed: true,
      provenance: { layer: 'baseline', rule: 'workspace/connections/gh' },
    });
    expect(projection.position).toBe(await store.headPosition());
  });

  it('given a workspace forbid, when a broader allow covers the resource, then the forbid wins', async () => {
    const { store } = await seededLog();
    const projection = await project(await store.readAll());

    expect(projection.check(WS, query('acme/secrets', 'read'), T0)?.provenance).toMatchObject({
      layer: 'forbid',
      rule: 'workspace/forbidden/no-secrets',
    });
  });

  it('given a restriction, when a JIT grant covers it, then the grant allows until expiresAt and the restriction denies after', async () => {
    const { store, log } = await seededLog();
    const projection = await project(await store.readAll());
    expect(projection.check(WS, query('acme/infra'), T0)?.provenance.layer).toBe('restrict');

    await log.grant(WS, {
      grantId: 'g-1',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/infra'],
      expiresAt: iso(T0 + 60_000),
    });
    await project(await store.readAll({ fromPosition: projection.position + 1 }), projection);

    expect(projection.check(WS, query('acme/infra'), T0 + 59_999)).toMatchObject({
      allowed: true,
      provenance: { layer: 'jit', grantId: 'g-1', expiresAt: iso(T0 + 60_000) },
    });
    expect(projection.check(WS, query('acme/infra'), T0 + 60_000)).toMatchObject({
      allowed: false,
      provenance: { layer: 'restrict' },
    });
  });

  it('given a grant, when it is extended and then revoked, then the expiry moves and then the grant stops allowing', async () => {
    const { store, log } = await seededLog();
    const grant = {
      grantId: 'g-2',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/infra'],
      expiresAt: iso(T0 + 60_000),
    };
    await log.grant(WS, grant);
    await log.extendGrant(WS, 'g-2', iso(T0 + 120_000));
    const projection = await project(await store.readAll());
    const checkedLive = projection.check(WS, query('acme/infra'), T0 + 90_000);

    await log.revokeGrant(WS, 'g-2');
    await project(await store.readAll({ fromPosition: projection.position + 1 }), projection);

    expect(checkedLive?.provenance).toMatchObject({ layer: 'jit', expiresAt: iso(T0 + 120_000) });
    expect(projection.check(WS, query('acme/infra'), T0 + 90_000)?.provenance.layer).toBe('restrict');
  });

  it('given workspaces and channels of other tenants, when asking about them, then nothing is found', async () => {
    const { store, log } = await seededLog();
    await log.createWorkspace('globex', 'gina', 'Globex');
    await log.channel('globex', 'gina', {
      type: 'CreateChannel',
      channelId: 'ops',
      workspaceId: 'globex',
      name: 'Ops',
      visibility: 'public',
    });
    const projection = await project(await store.readAll());

    expect(projection.check('nope', query('acme/api'), T0)).toBeUndefined();
    expect(projection.check(WS, { ...query('acme/api'), channelId: 'ops' }, T0)?.provenance.rule).toBe(
      'unknown-channel',
    );
    expect(projection.workspace('globex')?.compiled.channels.has('ops')).toBe(true);
  });

  it('given an event it cannot apply, when applying it, then it counts the failure, reports it and moves on', async () => {
    const { store } = await seededLog();
    const failures: unknown[] = [];
    const projection = new EffectivePermissionsProjection({ onFailure: (failure) => failures.push(failure) });
    const events = await store.readAll();
    const broken = { ...events[0], globalPosition: events.length + 1, type: 'ChannelCreated', data: null };

    await project([...events, broken as RecordedEvent], projection);

    expect(projection.failures).toBe(1);
    expect(failures).toEqual([
      expect.objectContaining({ position: events.length + 1, type: 'ChannelCreated' }),
    ]);
    expect(projection.position).toBe(events.length + 1);
    expect(projection.check(WS, query('acme/api'), T0)?.allowed).toBe(true);
  });

  it('given events delivered twice, when applying them again, then the state does not change', async () => {
    const { store } = await seededLog();
    const events = await store.readAll();
    const once = await project(events);
    const twice = await project(events, await project(events));

    expect(twice.stateHash()).toBe(once.stateHash());
  });

  it('given a snapshot, when restored into a fresh projection, then state hash and answers are the same', async () => {
    const { store, log } = await seededLog();
    await log.grant(WS, {
      grantId: 'g-3',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/infra'],
      expiresAt: iso(T0 + 60_000),
    });
    const live = await project(await store.readAll());
    const restored = new EffectivePermissionsProjection();

    restored.restore(JSON.parse(JSON.stringify(live.snapshot())));

    expect(restored.stateHash()).toBe(live.stateHash());
    expect(restored.position).toBe(live.position);
    for (const resource of ['acme/api', 'acme/infra', 'acme/secrets', 'other/x']) {
      expect(restored.check(WS, query(resource), T0)).toEqual(live.check(WS, query(resource), T0));
    }
  });

  it('given history, when asking as of an earlier instant, then the answer is the state at that instant', async () => {
    const { store, log, advance } = await seededLog();
    advance(10_000);
    await log.channel(WS, 'olivia', {
      type: 'RemoveChannelRestriction',
      channelId: 'eng',
      ruleId: 'no-infra',
    });
    const projection = await project(await store.readAll());
    const history = new PermissionsHistory(store, projection);

    const before = await history.asOf(WS, T0 + 5_000);
    const after = await history.asOf(WS, T0 + 15_000);
    const beforeCreation = await history.asOf(WS, T0 - 1);

    expect(before.position).toBe(projection.position - 1);
    expect(before.permissions.compiled.channels.get('eng')?.restrict.size).toBe(1);
    expect(after.position).toBe(projection.position);
    expect(after.permissions).toBe(projection.workspace(WS));
    expect(beforeCreation.position).toBe(0);
    expect(beforeCreation.permissions.exists).toBe(false);
  });

  it('given roles granted and revoked in two workspaces, when asking for a principal’s workspaces, then it lists those where it holds a role, live and after a restore', async () => {
    // given
    const { store, log } = await seededLog();
    await log.createWorkspace('globex', 'gina', 'Globex');
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'dave', role: 'approver' });
    await log.workspace('globex', 'gina', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
    await log.workspace('globex', 'gina', { type: 'RevokeMemberRole', principalId: 'dave', role: 'member' });
    await log.workspace(WS, 'olivia', { type: 'RevokeMemberRole', principalId: 'dave', role: 'member' });

    // when
    const live = await project(await store.readAll());
    const restored = new EffectivePermissionsProjection();
    restored.restore(JSON.parse(JSON.stringify(live.snapshot())));

    // then: dave still approves in acme; globex revoked his only role
    for (const projection of [live, restored]) {
      expect(projection.workspacesOf('dave').map((workspace) => workspace.workspaceId)).toEqual([WS]);
      expect(projection.workspacesOf('gina').map((workspace) => workspace.workspaceId)).toEqual(['globex']);
      expect(projection.workspacesOf('nobody')).toEqual([]);
      expect([...projection.existingWorkspaces()].map((workspace) => workspace.workspaceId).sort()).toEqual([
        WS,
        'globex',
      ]);
    }
  });
});
