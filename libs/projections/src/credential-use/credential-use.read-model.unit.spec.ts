import type { RecordedEvent } from '@mandate/event-store';
import { CredentialUseReadModel } from './credential-use.read-model';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (second: number) => new Date(T0 + second * 1000).toISOString();

/** A log written in order: each event gets the next position. */
function logOf() {
  let position = 0;
  return (type: string, data: Record<string, unknown>, second = 0, workspaceId = 'acme'): RecordedEvent => ({
    id: `e${++position}`,
    type,
    streamId: `s-${position}`,
    streamVersion: 0,
    globalPosition: position,
    occurredAt: iso(second),
    recordedAt: iso(second),
    workspaceId,
    actor: { kind: 'service', id: 'runtime' },
    data,
    metadata: { correlationId: 'c', causationId: null, schemaVersion: 1 },
    prevHash: '',
    hash: '',
  });
}

const issued = (leaseId: string, second: number, overrides: Record<string, unknown> = {}) => ({
  workspaceId: 'acme',
  leaseId,
  idempotencyKey: `key-${leaseId}`,
  channelId: 'eng',
  connector: 'github',
  connectionId: 'github-main',
  credentialKind: 'mandate-jwt',
  actions: ['read'],
  resources: ['acme/api'],
  invokedBy: 'mike',
  requestedBy: { kind: 'service', id: 'runtime' },
  grantId: null,
  issuedAt: iso(second),
  expiresAt: iso(second + 900),
  tokenFingerprint: 'hmac-sha256:00',
  ...overrides,
});

const gatewayCall = (rule: string, allowed = true, idempotencyKey = 'gateway:req-1') => ({
  actionId: 'a1',
  idempotencyKey,
  request: { channelId: 'eng', connector: 'github', action: 'read', resource: 'acme/api', invokedBy: 'mike' },
  decision: { allowed, reason: 'r', provenance: { layer: 'baseline', rule } },
  recordedBy: { kind: 'service', id: 'gw' },
});

describe('credential use read model', () => {
  it('given leases issued, revoked and ended, then a channel lists its live ones newest first, with their grant', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();

    model.applyPage([
      event('CredentialLeaseIssued', issued('l1', 0)),
      event('CredentialLeaseIssued', issued('l2', 1, { grantId: 'g-7', actions: ['write'] })),
      event('CredentialLeaseIssued', issued('l3', 2)),
      event('CredentialLeaseIssued', issued('l4', 3, { channelId: 'ops' })),
      event('CredentialLeaseRevoked', { workspaceId: 'acme', leaseId: 'l1', reason: 'admin-revoked' }),
      event('CredentialLeaseEnded', { workspaceId: 'acme', leaseId: 'l3', reason: 'expired' }),
    ]);

    expect(model.liveLeases('acme', 'eng', T0 + 10_000)).toEqual([
      expect.objectContaining({ leaseId: 'l2', grantId: 'g-7', actions: ['write'], expiresAt: iso(901) }),
    ]);
    expect(model.liveLeases('acme', 'ops', T0 + 10_000).map((lease) => lease.leaseId)).toEqual(['l4']);
    expect(model.liveLeases('globex', 'eng', T0 + 10_000)).toEqual([]);
    expect(JSON.stringify(model.liveLeases('acme', 'eng', T0))).not.toContain('hmac-sha256');
  });

  it('given a lease past its end, then it is not listed although no event ended it, and is swept as leases arrive', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();
    model.applyPage([event('CredentialLeaseIssued', issued('old', 0, { expiresAt: iso(60) }))]);

    expect(model.liveLeases('acme', 'eng', T0 + 60_000)).toEqual([]);
    model.applyPage(
      Array.from({ length: 70 }, (_, index) => event('CredentialLeaseIssued', issued(`n${index}`, 120))),
    );

    expect(model.liveLeases('acme', 'eng', T0).map((lease) => lease.leaseId)).not.toContain('old');
    expect(model.liveLeases('acme', 'eng', T0 + 130_000)).toHaveLength(70);
  });

  it('given leases minted from a connection, then its last use is the latest issue time; a new credential starts unused', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();

    model.applyPage([
      event('CredentialStored', { workspaceId: 'acme', connectionId: 'github-main' }),
      event('CredentialLeaseIssued', issued('l1', 5)),
      event('CredentialLeaseIssued', issued('l2', 9)),
      event('CredentialRotated', { workspaceId: 'acme', connectionId: 'github-main' }),
    ]);

    expect(model.lastUsedAt('acme', 'github-main')).toBe(iso(9));
    expect(model.lastUsedAt('acme', 'jira')).toBeUndefined();
    expect(model.lastUsedAt('globex', 'github-main')).toBeUndefined();
    model.applyPage([event('CredentialDestroyed', { workspaceId: 'acme', connectionId: 'github-main' })]);
    expect(model.lastUsedAt('acme', 'github-main')).toBeUndefined();
  });

  it('given gateway calls, then an allowed one naming a connection counts; a denial, a JIT-allowed call or another recorder’s action does not', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();

    model.applyPage([
      event('AgentActionAuthorized', gatewayCall('workspace/connections/github-main'), 4),
      event('AgentActionAuthorized', gatewayCall('channel/eng/extensions/gh-eng'), 6),
      event('AgentActionDenied', gatewayCall('workspace/connections/jira', false), 7),
      event('AgentActionAuthorized', gatewayCall('grants/g-1'), 8),
      event('AgentActionAuthorized', gatewayCall('workspace/connections/jira', true, 'runtime-key-1'), 9),
    ]);

    expect(model.lastUsedAt('acme', 'github-main')).toBe(iso(4));
    expect(model.lastUsedAt('acme', 'gh-eng')).toBe(iso(6));
    expect(model.lastUsedAt('acme', 'jira')).toBeUndefined();
  });

  it('given a gateway call a JIT grant allowed that names its connection, then the connection counts as used', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();

    model.applyPage([
      event('AgentActionAuthorized', { ...gatewayCall('grants/g-1'), connectionId: 'gh-app' }, 5),
    ]);

    expect(model.lastUsedAt('acme', 'gh-app')).toBe(iso(5));
  });

  it('given a snapshot, when a fresh model restores it, then it answers the same and goes on from its position', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();
    model.applyPage([
      event('CredentialLeaseIssued', issued('l1', 0)),
      event('CredentialLeaseIssued', issued('l2', 3, { channelId: 'ops', grantId: 'g-1' })),
    ]);

    const restored = new CredentialUseReadModel();
    restored.restore(JSON.parse(JSON.stringify(model.snapshot())));
    restored.applyPage([
      event('CredentialLeaseRevoked', { workspaceId: 'acme', leaseId: 'l1', reason: 'x' }),
    ]);

    expect(restored.position).toBe(3);
    expect(restored.liveLeases('acme', 'eng', T0)).toEqual([]);
    expect(restored.liveLeases('acme', 'ops', T0)).toEqual(model.liveLeases('acme', 'ops', T0));
    expect(restored.lastUsedAt('acme', 'github-main')).toBe(iso(3));
    expect(() => restored.restore({ position: 1, lastHash: null })).toThrow(/snapshot format/);
  });

  it('given credentials stored, rotated and destroyed, then each connection’s current kind is known, also after a restore', () => {
    const event = logOf();
    const model = new CredentialUseReadModel();
    const stored = (connectionId: string, kind: string, version = 1) => ({
      workspaceId: 'acme',
      connectionId,
      kind,
      version,
      vaultVersion: version,
      fingerprint: 'hmac-sha256:00',
    });

    model.applyPage([
      event('CredentialStored', stored('github-main', 'mandate-jwt')),
      event('CredentialStored', stored('jira', 'static')),
      event('CredentialRotated', stored('github-main', 'github-app', 2)),
      event('CredentialStored', stored('jira', 'oauth2-client'), 0, 'other'),
      event('CredentialDestroyed', { workspaceId: 'acme', connectionId: 'jira', version: 1 }),
    ]);
    const restored = new CredentialUseReadModel();
    restored.restore(JSON.parse(JSON.stringify(model.snapshot())));

    for (const view of [model, restored]) {
      expect(view.credentialKind('acme', 'github-main')).toBe('github-app');
      expect(view.credentialKind('acme', 'jira')).toBeUndefined();
      expect(view.credentialKind('other', 'jira')).toBe('oauth2-client');
      expect(view.credentialKind('acme', 'absent')).toBeUndefined();
    }
  });

  it('refuses a snapshot of the format before credential kinds, so the model is folded again', () => {
    const restored = new CredentialUseReadModel();
    expect(() =>
      restored.restore({
        format: 'credential-use/1',
        position: 1,
        lastHash: null,
        leases: [],
        lastUse: [],
      } as never),
    ).toThrow(/snapshot format/);
  });

  it('given an event it cannot read, then it counts a failure and goes on', () => {
    const event = logOf();
    const failures: string[] = [];
    const model = new CredentialUseReadModel({ onFailure: ({ type }) => failures.push(type) });

    model.applyPage([
      event('CredentialLeaseIssued', { leaseId: 'bad' }),
      event('CredentialLeaseIssued', issued('l1', 0)),
    ]);

    expect(failures).toEqual(['CredentialLeaseIssued']);
    expect(model.failures).toBe(1);
    expect(model.position).toBe(2);
    expect(model.liveLeases('acme', 'eng', T0).map((lease) => lease.leaseId)).toEqual(['l1']);
  });
});
