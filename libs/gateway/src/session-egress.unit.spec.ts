import { normalizeHost } from '@mandate/domain';
import { EffectivePermissionsProjection } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../projections/test/identity-log';
import { decideEgress } from './egress-policy';
import type { ProxyTarget } from './proxy-request';
import type { GatewaySession } from './session-token';

const WS = 'acme';
const T0 = Date.parse('2026-12-01T06:00:00.000Z');
const ATTACHED = T0 + 10_000;

const target = (host: string, port = 443): ProxyTarget => {
  const parsed = normalizeHost(host);
  if (!parsed.ok) throw new Error(parsed.message);
  return { host: parsed.host, port };
};

/** A session of #eng opened at `issuedAtMs` (its `iat`, to the second). */
const sessionFrom = (issuedAtMs: number): GatewaySession => ({
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: WS,
  channelId: 'eng',
  invokedBy: 'dave',
  runId: 'run-1',
  openedBy: 'runtime',
  expiresAtMs: T0 + 3_600_000,
  issuedAtMs,
});

/**
 * A workspace whose baseline allows api.github.com, with #eng, and the bundle `tools` (domains
 * registry.npmjs.org, *.pkg.example and api.github.com) attached to #eng at T0 + 10 s.
 */
async function given(options: { workspaceAttachedAt?: number } = {}) {
  let now = T0;
  const clock = () => new Date(now);
  const store = openTestStore({ clock });
  const log = new IdentityLog(store, clock);
  await log.createWorkspace(WS);
  await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
  await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'runtime' });
  await log.baseline(WS, 'olivia', { egress: [{ host: 'api.github.com', ports: [443] }] });
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'eng',
    visibility: 'public',
  });
  const domains = [
    { host: 'registry.npmjs.org', ports: [443] },
    { host: '*.pkg.example', ports: [443] },
    { host: 'api.github.com', ports: [443] },
  ];
  await log.bundle(WS, 'olivia', {
    type: 'ApplyAccessBundleDocument',
    bundleId: 'tools',
    document: { name: 'tools', domains },
  });
  const scope = { scope: 'channel' as const, channelId: 'eng' };
  const channel = { status: 'active' as const, callerRole: null };
  if (options.workspaceAttachedAt !== undefined) {
    now = options.workspaceAttachedAt;
    const workspace = { scope: 'workspace' as const };
    await log.bundle(WS, 'olivia', {
      type: 'AttachAccessBundle',
      bundleId: 'tools',
      scope: workspace,
      channel,
    });
  }
  now = ATTACHED;
  await log.bundle(WS, 'olivia', { type: 'AttachAccessBundle', bundleId: 'tools', scope, channel });
  const projection = new EffectivePermissionsProjection();
  const sync = async () => {
    for (const event of await store.readAll({ fromPosition: projection.position + 1 }))
      projection.apply(event);
  };
  await sync();
  const detach = async () => {
    now = ATTACHED + 5_000;
    await log.bundle(WS, 'olivia', { type: 'DetachAccessBundle', bundleId: 'tools', scope, channel });
    await sync();
  };
  return { projection, detach };
}

describe('decideEgress: a gateway session keeps the bundle domains it started with', () => {
  it('given a session opened before a bundle was attached to its channel, when it connects to a host only that bundle allows, then it is refused with the session rule', async () => {
    const { projection } = await given();
    const session = sessionFrom(ATTACHED - 5_000);

    for (const host of ['registry.npmjs.org', 'cdn.pkg.example']) {
      expect(decideEgress(projection, session, target(host), ATTACHED + 1_000)).toEqual({
        allowed: false,
        reason: expect.stringContaining('after this gateway session started'),
        rule: 'session/attached-after-start/tools',
      });
    }
  });

  it('given a session opened within the second of the attachment, then the doubt goes to a refusal', async () => {
    const { projection } = await given();

    expect(
      decideEgress(projection, sessionFrom(ATTACHED), target('registry.npmjs.org'), ATTACHED + 1_000),
    ).toMatchObject({ allowed: false, rule: 'session/attached-after-start/tools' });
  });

  it('given a host the bundle allows and the baseline allowed before the session opened, then the session keeps it', async () => {
    const { projection } = await given();

    expect(
      decideEgress(projection, sessionFrom(ATTACHED - 5_000), target('api.github.com'), ATTACHED + 1_000),
    ).toMatchObject({ allowed: true, rule: 'api.github.com' });
  });

  it('given the bundle attached to the workspace before the session opened and to its channel after, then the older reach keeps its domains', async () => {
    const { projection } = await given({ workspaceAttachedAt: ATTACHED - 20_000 });

    expect(
      decideEgress(projection, sessionFrom(ATTACHED - 5_000), target('registry.npmjs.org'), ATTACHED + 1_000),
    ).toMatchObject({ allowed: true, rule: 'registry.npmjs.org' });
  });

  it('given a session opened after the attachment, then it gets the bundle’s domains, and a detach takes them at once', async () => {
    const { projection, detach } = await given();
    const session = sessionFrom(ATTACHED + 1_000);

    expect(decideEgress(projection, session, target('registry.npmjs.org'), ATTACHED + 2_000)).toMatchObject({
      allowed: true,
      rule: 'registry.npmjs.org',
    });

    await detach();
    for (const opened of [ATTACHED - 5_000, ATTACHED + 1_000]) {
      expect(
        decideEgress(projection, sessionFrom(opened), target('registry.npmjs.org'), ATTACHED + 6_000),
      ).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    }
  });
});
