import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { ConnectionNarrowing } from '../agent-identity/connection-narrowing';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { compileWorkspace } from '../permissions/compiled-identity';
import type { ActiveGrant } from '../permissions/decision';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import type { CredentialLeaseIssuedData } from './credential-lease.events';
import { leaseStanding } from './lease-standing.rules';

const T = Date.parse('2026-12-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(T + offsetMs).toISOString();

const workspace = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'rita', role: 'member' } },
].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);
const identityWith = (
  forbidden: { id: string; connector: string; actions: string[]; resources: string[] }[],
  narrowing?: ConnectionNarrowing,
) =>
  agentIdentityDecider
    .decide(
      {
        type: 'ApplyAgentIdentityDocument',
        document: {
          connections: [
            {
              id: 'github-main',
              connector: 'github',
              account: 'app:4242',
              actions: ['read'],
              resources: ['acme/*'],
              ...(narrowing && { narrowing }),
            },
          ],
          forbidden,
        },
        catalog: createConnectorCatalog(),
        callerRoles: ['owner'],
        actor: { kind: 'user', id: 'alice' },
        now: at(0),
      },
      agentIdentityDecider.initialState(),
    )
    .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());
const eng = (
  [
    {
      type: 'ChannelCreated',
      data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
    },
  ] as ChannelEvent[]
).reduce(channelDecider.evolve, channelDecider.initialState());
const grant: ActiveGrant = {
  grantId: 'g-write',
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  expiresAt: at(3_600_000),
};
const compiled = (
  options: { grants?: ActiveGrant[]; forbidWrite?: boolean; narrowing?: ConnectionNarrowing } = {},
) =>
  compileWorkspace({
    workspace,
    agentIdentity: identityWith(
      options.forbidWrite
        ? [{ id: 'no-write', connector: 'github', actions: ['write'], resources: ['acme/api'] }]
        : [],
      options.narrowing,
    ),
    channels: [eng],
    grants: options.grants ?? [],
  });

const lease = (overrides: Partial<CredentialLeaseIssuedData> = {}): CredentialLeaseIssuedData => ({
  workspaceId: 'acme',
  leaseId: '0190a0b0-0000-7000-8000-000000000001',
  idempotencyKey: 'key-1',
  channelId: 'eng',
  connector: 'github',
  connectionId: 'github-main',
  credentialKind: 'github-app',
  actions: ['write'],
  resources: ['acme/api'],
  invokedBy: 'rita',
  requestedBy: { kind: 'service', id: 'agent-runtime' },
  grantId: 'g-write',
  issuedAt: at(0),
  expiresAt: at(900_000),
  tokenFingerprint: `hmac-sha256:${'a'.repeat(43)}`,
  ...overrides,
});

describe('leaseStanding: whether a live lease stands, and which one path ends it', () => {
  it('given an upstream lease derived from an active grant, then it stands', () => {
    expect(leaseStanding(compiled({ grants: [grant] }), lease(), T + 1_000)).toBe('stands');
  });

  it('given an upstream lease whose grant was revoked, then its grant’s workflow ends it, not the sweep', () => {
    expect(leaseStanding(compiled(), lease(), T + 1_000)).toBe('ends-with-its-grant');
  });

  it('given an upstream lease whose grant was revoked, when another grant allows the same, then its grant’s workflow still ends it', () => {
    // given
    const otherGrant = { ...grant, grantId: 'g-other' };

    // when
    const standing = leaseStanding(compiled({ grants: [otherGrant] }), lease(), T + 1_000);

    // then
    expect(standing).toBe('ends-with-its-grant');
  });

  it('given an upstream lease whose grant has expired by the clock, then its grant’s workflow ends it', () => {
    const shortGrant = { ...grant, expiresAt: at(60_000) };
    expect(leaseStanding(compiled({ grants: [shortGrant] }), lease(), T + 60_000)).toBe(
      'ends-with-its-grant',
    );
  });

  it('given an upstream lease from a grant, when its workspace is no longer in the projection, then the sweep ends it now', () => {
    expect(leaseStanding(undefined, lease(), T + 1_000)).toBe('no-longer-allowed');
  });

  it('given a mandate-jwt lease whose grant was revoked, then the sweep ends it (no workflow to reach)', () => {
    expect(leaseStanding(compiled(), lease({ credentialKind: 'mandate-jwt' }), T + 1_000)).toBe(
      'no-longer-allowed',
    );
  });

  it('given an upstream lease from an active grant, when a forbid covers it, then the sweep ends it', () => {
    expect(leaseStanding(compiled({ grants: [grant], forbidWrite: true }), lease(), T + 1_000)).toBe(
      'no-longer-allowed',
    );
  });

  it('given a baseline upstream lease, when its connection’s narrowing differs from the recorded one, then the sweep ends it', () => {
    const baseline = lease({ grantId: null, actions: ['read'], narrowing: { methods: ['GET'] } });
    expect(leaseStanding(compiled(), baseline, T + 1_000)).toBe('no-longer-allowed');
    expect(leaseStanding(compiled(), { ...baseline, narrowing: undefined }, T + 1_000)).toBe('stands');
  });

  it('given a baseline upstream lease issued under its connection’s narrowing, when the narrowing is unchanged, then it stands', () => {
    // given
    const readOnly: ConnectionNarrowing = { pathPrefixes: ['/repos/acme'], methods: 'read-only' };
    const baseline = lease({ grantId: null, actions: ['read'], narrowing: readOnly });

    // when
    const standing = leaseStanding(compiled({ narrowing: readOnly }), baseline, T + 1_000);

    // then
    expect(standing).toBe('stands');
  });

  it('given a baseline upstream lease, when the workspace is gone, then the sweep ends it', () => {
    expect(leaseStanding(undefined, lease({ grantId: null, actions: ['read'] }), T + 1_000)).toBe(
      'no-longer-allowed',
    );
  });
});
