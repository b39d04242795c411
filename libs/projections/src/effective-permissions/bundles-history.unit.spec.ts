import { evaluate } from '@mandate/domain';
import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';
import { PermissionsHistory } from './permissions-history';

const WS = 'acme';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const write = { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/api' };

describe('bundles in answers as of a past instant', () => {
  it('given a bundle attached at T1 and detached from the channel at T2, when asked as of each instant, then each answer is the one then', async () => {
    // given a log written second by second
    let now = T0;
    const clock = () => new Date(now);
    const store = openTestStore({ clock });
    const log = new IdentityLog(store, clock);
    await log.createWorkspace(WS);
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'eng',
      visibility: 'public',
    });
    now += 1_000;
    await log.bundle(WS, 'olivia', {
      type: 'ApplyAccessBundleDocument',
      bundleId: 'tools',
      document: {
        name: 'Tools',
        connections: [
          { id: 'gh', connector: 'github', account: 'app:b', actions: ['write'], resources: ['acme/*'] },
        ],
      },
    });
    await log.bundle(WS, 'olivia', {
      type: 'AttachAccessBundle',
      bundleId: 'tools',
      scope: { scope: 'channel', channelId: 'eng' },
      channel: { status: 'active', callerRole: null },
    });
    now += 1_000;
    await log.bundle(WS, 'olivia', {
      type: 'DetachAccessBundle',
      bundleId: 'tools',
      scope: { scope: 'channel', channelId: 'eng' },
      channel: { status: 'active', callerRole: null },
    });
    const projection = new EffectivePermissionsProjection();
    projection.applyPage(await store.readAll());
    const history = new PermissionsHistory(store, projection);

    // when asked as of before the attachment, while attached, and now
    const asOf = async (atMs: number) => {
      const { permissions } = await history.asOf(WS, atMs);
      return {
        provenance: evaluate(permissions.compiled, write, atMs).provenance,
        bundles: permissions.compiled.effectiveIdentity('eng')?.bundles.map((bundle) => bundle.bundle),
      };
    };

    // then the bundle answers only while it was attached
    expect(await asOf(T0 + 500)).toEqual({
      provenance: { layer: 'default', rule: 'default-deny' },
      bundles: [],
    });
    expect(await asOf(T0 + 1_500)).toEqual({
      provenance: {
        layer: 'channel',
        rule: 'bundles/tools/connections/gh',
        pattern: 'acme/*',
        bundle: 'tools',
        scope: 'channel',
      },
      bundles: ['tools'],
    });
    expect(await asOf(T0 + 2_500)).toEqual({
      provenance: { layer: 'default', rule: 'default-deny' },
      bundles: [],
    });
    await store.close();
  });

  it('given a projection holding bundles, when snapshotted and restored, then its state and answers are the same', async () => {
    // given a bundle on the workspace and one on a channel
    const store = openTestStore();
    const log = new IdentityLog(store);
    await log.createWorkspace(WS);
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'eng',
      visibility: 'public',
    });
    for (const [bundleId, scope] of [
      ['wide', { scope: 'workspace' as const }],
      ['tools', { scope: 'channel' as const, channelId: 'eng' }],
    ] as const) {
      await log.bundle(WS, 'olivia', {
        type: 'ApplyAccessBundleDocument',
        bundleId,
        document: {
          name: bundleId,
          connections: [
            {
              id: bundleId,
              connector: 'github',
              account: 'b',
              actions: ['write'],
              resources: [`${bundleId}/*`],
            },
          ],
          domains: [{ host: `${bundleId}.example.com`, ports: [443] }],
        },
      });
      await log.bundle(WS, 'olivia', {
        type: 'AttachAccessBundle',
        bundleId,
        scope,
        channel: { status: 'active', callerRole: null },
      });
    }
    const live = new EffectivePermissionsProjection();
    live.applyPage(await store.readAll());
    await store.close();

    // when its snapshot is restored elsewhere (through JSON, as the file holds it)
    const restored = new EffectivePermissionsProjection();
    restored.restore(JSON.parse(JSON.stringify(live.snapshot())));

    // then nothing is lost
    expect(restored.stateHash()).toBe(live.stateHash());
    for (const resource of ['wide/x', 'tools/x', 'other/x']) {
      const query = { ...write, resource };
      expect(restored.check(WS, query, T0)).toEqual(live.check(WS, query, T0));
    }
    expect(restored.check(WS, { ...write, resource: 'tools/x' }, T0)?.provenance).toMatchObject({
      bundle: 'tools',
    });
    expect(restored.workspace(WS)?.compiled.effectiveIdentity('eng')?.bundles).toHaveLength(2);
  });
});
