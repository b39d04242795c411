import { normalizeHost } from '@mandate/domain';
import { EffectivePermissionsProjection } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../projections/test/identity-log';
import { decideEgress } from './egress-policy';
import type { ProxyTarget } from './proxy-request';
import type { GatewaySession } from './session-token';

const WS = 'acme';
const NOW = Date.parse('2026-11-30T12:00:00.000Z');

const target = (host: string, port = 443): ProxyTarget => {
  const parsed = normalizeHost(host);
  if (!parsed.ok) throw new Error(parsed.message);
  return { host: parsed.host, port };
};

const sessionIn = (channelId: string, overrides: Partial<GatewaySession> = {}): GatewaySession => ({
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: WS,
  channelId,
  invokedBy: 'dave',
  runId: 'run-1',
  openedBy: 'runtime',
  expiresAtMs: NOW + 60_000,
  ...overrides,
});

async function given() {
  const store = openTestStore();
  const log = new IdentityLog(store);
  await log.workspace(WS, 'olivia', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
  await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'runtime' });
  await log.baseline(WS, 'olivia', {
    egress: [
      { host: 'api.github.com', ports: [443] },
      { host: '*.example.com', ports: [443] },
      { host: '10.0.0.5', ports: [443] },
    ],
  });
  for (const [channelId, visibility] of [
    ['eng', 'public'],
    ['incident', 'private'],
  ] as const) {
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId,
      workspaceId: WS,
      name: channelId,
      visibility,
    });
  }
  const projection = new EffectivePermissionsProjection();
  const sync = async () => {
    for (const event of await store.readAll({ fromPosition: projection.position + 1 }))
      projection.apply(event);
  };
  await sync();
  return { log, projection, sync };
}

describe('decideEgress: the gateway’s decision for a session and a target', () => {
  it('given an allowlist, when a session connects, then exact entries and subdomains of a wildcard are allowed, the apex, other ports and names for an IP are not', async () => {
    const { projection } = await given();
    const decide = (host: string, port = 443) =>
      decideEgress(projection, sessionIn('eng'), target(host, port), NOW);

    expect(decide('API.GITHUB.COM.')).toMatchObject({ allowed: true, rule: 'api.github.com' });
    expect(decide('cdn.example.com')).toMatchObject({ allowed: true, rule: '*.example.com' });
    expect(decide('example.com')).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    expect(decide('api.github.com', 80)).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    expect(decide('140.82.112.6')).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    expect(decide('10.0.0.5')).toMatchObject({ allowed: true });
  });

  it('given a private channel the invoker is not in, when its session connects to an allowed host, then it is refused', async () => {
    const { projection } = await given();

    expect(decideEgress(projection, sessionIn('incident'), target('api.github.com'), NOW)).toMatchObject({
      allowed: false,
      rule: 'private-channel',
    });
  });

  it('given a session of another workspace, an unbound service or an expired session, when it connects, then it is refused', async () => {
    const { projection } = await given();
    const github = target('api.github.com');

    expect(decideEgress(projection, sessionIn('eng', { workspaceId: 'globex' }), github, NOW)).toMatchObject({
      allowed: false,
      rule: 'unknown-workspace',
    });
    expect(decideEgress(projection, sessionIn('eng', { openedBy: 'other' }), github, NOW)).toMatchObject({
      allowed: false,
      rule: 'service-unbound',
    });
    expect(decideEgress(projection, sessionIn('eng'), github, NOW + 60_000)).toMatchObject({
      allowed: false,
      rule: 'session-expired',
    });
  });

  it('given an allowed host, when the allowlist drops it or the channel is archived, then the next decision refuses', async () => {
    const { log, projection, sync } = await given();
    const decide = () => decideEgress(projection, sessionIn('eng'), target('api.github.com'), NOW);
    expect(decide().allowed).toBe(true);

    await log.baseline(WS, 'olivia', { egress: [{ host: '*.example.com', ports: [443] }] });
    await sync();
    expect(decide()).toMatchObject({ allowed: false, rule: 'not-allowlisted' });

    await log.baseline(WS, 'olivia', { egress: [{ host: 'api.github.com', ports: [443] }] });
    await log.channel(WS, 'olivia', { type: 'ArchiveChannel', channelId: 'eng' });
    await sync();
    expect(decide()).toMatchObject({ allowed: false, rule: 'archived-channel' });
  });
});
