import { IdentityLog, openTestStore } from '../../test/identity-log';
import { EffectivePermissionsProjection } from './effective-permissions.projection';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');

describe('when each attachment began reaching a workspace', () => {
  it('given bundles attached over time, then each scope answers its attachment instant, and a detach forgets it', async () => {
    // given a log written second by second
    let now = T0;
    const clock = () => new Date(now);
    const store = openTestStore({ clock });
    const log = new IdentityLog(store, clock);
    await log.createWorkspace('acme');
    await log.channel('acme', 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: 'acme',
      name: 'eng',
      visibility: 'public',
    });
    const document = { name: 'tools', repositories: ['acme/api'] };
    await log.bundle('acme', 'olivia', { type: 'ApplyAccessBundleDocument', bundleId: 'tools', document });
    const channel = { status: 'active' as const, callerRole: null };
    now = T0 + 1_000;
    await log.bundle('acme', 'olivia', {
      type: 'AttachAccessBundle',
      bundleId: 'tools',
      scope: { scope: 'channel', channelId: 'eng' },
      channel,
    });
    now = T0 + 2_000;
    await log.bundle('acme', 'olivia', {
      type: 'AttachAccessBundle',
      bundleId: 'tools',
      scope: { scope: 'workspace' },
      channel,
    });
    // an organization whose bundle was attached before the workspace joined (T0 + 3 s), and one attached after (T0 + 4 s)
    await log.organization('holding', 'olivia', {
      type: 'CreateOrganization',
      organizationId: 'holding',
      name: 'Holding',
      actorIsPlatformAdmin: true,
    });
    for (const bundleId of ['early', 'late']) {
      await log.organizationBundle('holding', 'olivia', {
        type: 'ApplyOrganizationBundleDocument',
        bundleId,
        document: { name: bundleId },
      });
    }
    await log.organization('holding', 'olivia', {
      type: 'AttachOrganizationBundle',
      bundleId: 'early',
      bundle: 'active',
    });
    await log.organization('holding', 'olivia', { type: 'InviteWorkspace', workspaceId: 'acme' });
    now = T0 + 3_000;
    await log.membership('acme', 'olivia', 'holding');
    now = T0 + 4_000;
    await log.organization('holding', 'olivia', {
      type: 'AttachOrganizationBundle',
      bundleId: 'late',
      bundle: 'active',
    });
    const projection = new EffectivePermissionsProjection();
    projection.applyPage(await store.readAll());
    const starts = () => projection.workspace('acme')!.attachedSince;

    // then
    expect(starts().reachStartedAtMs({ bundle: 'tools', scope: 'channel' }, 'eng')).toBe(T0 + 1_000);
    expect(starts().reachStartedAtMs({ bundle: 'tools', scope: 'workspace' }, 'eng')).toBe(T0 + 2_000);
    expect(starts().reachStartedAtMs({ bundle: 'early', scope: 'organization' }, 'eng')).toBe(T0 + 3_000);
    expect(starts().reachStartedAtMs({ bundle: 'late', scope: 'organization' }, 'eng')).toBe(T0 + 4_000);
    expect(starts().reachStartedAtMs({ bundle: 'baseline', scope: 'workspace' }, 'eng')).toBeUndefined();
    expect(starts().reachStartedAtMs({}, 'eng')).toBeUndefined();
    // and whether anything began since an instant is answered without a bundle named
    expect(starts().startedSince(T0 + 4_000)).toBe(true);
    expect(starts().startedSince(T0 + 4_001)).toBe(false);

    // when detached from the channel and the workspace leaves, then those are forgotten; a rebuild agrees
    now = T0 + 5_000;
    await log.bundle('acme', 'olivia', {
      type: 'DetachAccessBundle',
      bundleId: 'tools',
      scope: { scope: 'channel', channelId: 'eng' },
      channel,
    });
    await log.membership('acme', 'olivia', null);
    projection.applyPage(await store.readAll({ fromPosition: projection.position + 1 }));
    expect(starts().reachStartedAtMs({ bundle: 'tools', scope: 'channel' }, 'eng')).toBeUndefined();
    expect(starts().reachStartedAtMs({ bundle: 'late', scope: 'organization' }, 'eng')).toBeUndefined();
    expect(starts().reachStartedAtMs({ bundle: 'tools', scope: 'workspace' }, 'eng')).toBe(T0 + 2_000);
    const rebuilt = new EffectivePermissionsProjection();
    rebuilt.applyPage(await store.readAll());
    expect(rebuilt.stateHash()).toBe(projection.stateHash());
    await store.close();
  });
});
