import { evaluate } from '@mandate/domain';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';
import { organizationChangesOf, permissionChangeOf } from './permission-changes';
import { PermissionsHistory } from './permissions-history';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const read = (resource: string) => ({ channelId: 'eng', connector: 'github', action: 'read', resource });

/**
 * A log second by second: organization globex with bundle `org-tools` (github read on globex/**)
 * attached at organization scope before anyone joins; acme and initech join, umbrella never does;
 * then acme leaves, and org-tools is detached.
 */
async function organizationLog() {
  let now = T0;
  const clock = () => new Date(now);
  const store = openTestStore({ clock });
  const log = new IdentityLog(store, clock);
  for (const workspaceId of ['acme', 'initech', 'umbrella']) {
    await log.createWorkspace(workspaceId, 'olivia');
    await log.channel(workspaceId, 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId,
      name: 'eng',
      visibility: 'public',
    });
  }
  await log.organization('globex', 'olivia', {
    type: 'CreateOrganization',
    organizationId: 'globex',
    name: 'Globex',
    actorIsPlatformAdmin: true,
  });
  await log.organizationBundle('globex', 'olivia', {
    type: 'ApplyOrganizationBundleDocument',
    bundleId: 'org-tools',
    document: {
      name: 'Globex tools',
      connections: [
        { id: 'gh', connector: 'github', account: 'app:g', actions: ['read'], resources: ['globex/**'] },
      ],
    },
  });
  await log.organization('globex', 'olivia', {
    type: 'AttachOrganizationBundle',
    bundleId: 'org-tools',
    bundle: 'active',
  });
  for (const workspaceId of ['acme', 'initech']) {
    await log.organization('globex', 'olivia', { type: 'InviteWorkspace', workspaceId });
  }
  now += 1_000; // T0 + 1 s: both join
  await log.membership('acme', 'olivia', 'globex');
  await log.membership('initech', 'olivia', 'globex');
  now += 1_000; // T0 + 2 s: acme leaves
  await log.membership('acme', 'olivia', null);
  now += 1_000; // T0 + 3 s: the organization detaches its bundle
  await log.organization('globex', 'olivia', { type: 'DetachOrganizationBundle', bundleId: 'org-tools' });
  return store;
}

describe('the organization scope in the projection and as of a past instant', () => {
  it('given members and a stranger, when asked live and as of each instant, then only members while members get the organization bundle', async () => {
    const store = await organizationLog();
    const projection = new EffectivePermissionsProjection();
    projection.applyPage(await store.readAll());
    const history = new PermissionsHistory(store, projection);
    const asOf = async (workspaceId: string, atMs: number) => {
      const { permissions } = await history.asOf(workspaceId, atMs);
      return evaluate(permissions.compiled, read('globex/api'), atMs).provenance;
    };
    const byOrganization = {
      layer: 'baseline',
      rule: 'organization/bundles/org-tools/connections/gh',
      pattern: 'globex/**',
      bundle: 'org-tools',
      scope: 'organization',
    };
    const denied = { layer: 'default', rule: 'default-deny' };

    // before the join: as before any organization
    expect(await asOf('acme', T0 + 500)).toEqual(denied);
    // members while members
    expect(await asOf('acme', T0 + 1_500)).toEqual(byOrganization);
    expect(await asOf('initech', T0 + 1_500)).toEqual(byOrganization);
    expect(await asOf('initech', T0 + 2_500)).toEqual(byOrganization);
    // leaving takes it away at once; detaching at the organization takes it from everyone
    expect(await asOf('acme', T0 + 2_500)).toEqual(denied);
    expect(await asOf('initech', T0 + 3_500)).toEqual(denied);
    // the workspace that never joined never had it
    for (const atMs of [T0 + 500, T0 + 1_500, T0 + 3_500])
      expect(await asOf('umbrella', atMs)).toEqual(denied);
    // live answers as the last instant
    expect(projection.check('initech', read('globex/api'), T0 + 4_000)?.provenance).toEqual(denied);
    expect(history.replays).toBeGreaterThan(0);
    await store.close();
  });

  it('given a projection holding organizations, when snapshotted and restored, then it keeps answering and following the organization', async () => {
    const store = await organizationLog();
    const events = await store.readAll();
    // stop before the detach, restore, then apply the detach
    const live = new EffectivePermissionsProjection();
    live.applyPage(events.slice(0, -1));
    expect(live.check('initech', read('globex/x'), T0)?.provenance.scope).toBe('organization');
    const restored = new EffectivePermissionsProjection();
    restored.restore(JSON.parse(JSON.stringify(live.snapshot())));
    expect(restored.stateHash()).toBe(live.stateHash());
    expect(restored.check('initech', read('globex/x'), T0)).toEqual(
      live.check('initech', read('globex/x'), T0),
    );
    restored.applyPage(events.slice(-1));
    live.applyPage(events.slice(-1));
    expect(restored.check('initech', read('globex/x'), T0)?.provenance.rule).toBe('default-deny');
    expect(restored.stateHash()).toBe(live.stateHash());
    // rebuilt from the first event, the same state
    const rebuilt = new EffectivePermissionsProjection();
    rebuilt.applyPage(events);
    expect(rebuilt.stateHash()).toBe(live.stateHash());
    await store.close();
  });

  it('given an organization event, then no workspace outside it records it (tenants never meet)', async () => {
    const store = await organizationLog();
    const projection = new EffectivePermissionsProjection();
    projection.applyPage(await store.readAll());
    const organizationPositions = (await store.readAll())
      .filter((event) => event.workspaceId === 'organization:globex')
      .map((event) => event.globalPosition);
    const timelineOf = (workspaceId: string) => projection.workspace(workspaceId)?.timeline.positions ?? [];
    expect(timelineOf('umbrella').filter((at) => organizationPositions.includes(at))).toEqual([]);
    // acme saw none of them after it left (the detach): initech did
    const detach = organizationPositions[organizationPositions.length - 1];
    expect(timelineOf('acme')).not.toContain(detach);
    expect(timelineOf('initech')).toContain(detach);
    expect(projection.workspace('organization:globex')).toBeUndefined();
    await store.close();
  });
});

describe('what an organization changes, for watchers', () => {
  it("given an organization's events, then each member workspace is told its answers changed, and nobody else", async () => {
    const store = await organizationLog();
    const events = await store.readAll();
    const detach = events[events.length - 1];
    expect(organizationChangesOf(detach, ['initech'])).toEqual([
      {
        kind: 'workspace',
        position: detach.globalPosition,
        workspaceId: 'initech',
        cause: 'OrganizationBundleDetached',
      },
    ]);
    // a workspace's own event is its own: no organization fan-out
    const left = events.find((event) => event.type === 'WorkspaceLeftOrganization');
    expect(left && organizationChangesOf(left, ['initech'])).toEqual([]);
    expect(left && permissionChangeOf(left, () => undefined)).toMatchObject({
      kind: 'workspace',
      workspaceId: 'acme',
    });
    // the organization's own bundle events name no workspace of their own
    const bundleEvent = events.find((event) => event.streamId.startsWith('organization-bundle-'));
    expect(bundleEvent && organizationChangesOf(bundleEvent, [])).toEqual([]);
    await store.close();
  });
});
