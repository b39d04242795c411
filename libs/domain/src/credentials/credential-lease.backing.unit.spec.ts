import { refusalOf } from '@mandate/testing';
import type { Decision } from '../permissions/decision';
import { leaseEnd, leaseGrant, pickLeaseConnection } from './credential-lease.rules';

/**
 * What backs a lease once its pairs are allowed: the connection whose credential it hands out, the
 * JIT grant it derives from (whose end ends it), and when it ends.
 */

const T = Date.parse('2026-11-30T12:00:00.000Z');
const at = (offsetMs: number) => new Date(T + offsetMs).toISOString();

const decision = (
  layer: Decision['provenance']['layer'],
  rule: string,
  grant?: [string, string],
): Decision => ({
  allowed: true,
  reason: '',
  provenance: { layer, rule, ...(grant ? { grantId: grant[0], expiresAt: grant[1] } : {}) },
});
const candidates = [
  { connectionId: 'github-main', connector: 'github', leasable: true },
  { connectionId: 'github-docs', connector: 'github', leasable: true },
  { connectionId: 'jira', connector: 'jira', leasable: true },
];

describe('pickLeaseConnection', () => {
  it('given baseline decisions, then the connection that allowed them backs the lease', () => {
    expect(
      pickLeaseConnection('github', [decision('baseline', 'workspace/connections/github-docs')], candidates),
    ).toBe('github-docs');
  });

  it('given a JIT decision, then the only leasable connection of the connector backs the lease', () => {
    const jit = [decision('jit', 'grants/g-api', ['g-api', at(1)])];

    expect(pickLeaseConnection('github', jit, [candidates[0], { ...candidates[1], leasable: false }])).toBe(
      'github-main',
    );
  });

  it('given a JIT decision and two leasable connections, then it is ambiguous, not a guess', () => {
    expect(
      refusalOf(() => pickLeaseConnection('github', [decision('jit', 'grants/g-api')], candidates)),
    ).toMatchObject({ kind: 'conflict', code: 'ambiguous-lease-connection' });
  });

  it('given a JIT decision, then a leasable connection of another connector never backs the lease', () => {
    // given
    const jit = [decision('jit', 'grants/g-api', ['g-api', at(1)])];
    const githubAndJira = [candidates[0], candidates[2]];

    // when
    const picked = pickLeaseConnection('github', jit, githubAndJira);

    // then
    expect(picked).toBe('github-main');
  });

  it('given the allowing connection holds no leasable credential, then no credential is found', () => {
    const decisions = [decision('baseline', 'workspace/connections/github-main')];

    const only = [{ ...candidates[0], leasable: false }, candidates[1]];

    const refusal = refusalOf(() => pickLeaseConnection('github', decisions, only));

    expect(refusal).toMatchObject({ kind: 'conflict', code: 'credential-not-found' });
    expect(refusal.message).toContain('connector "github"');
  });

  describe('with access bundles', () => {
    const held = [
      { connectionId: 'github-main', connector: 'github', leasable: true, rank: 2 },
      { connectionId: 'gh-workspace-bundle', connector: 'github', leasable: true, rank: 1 },
      { connectionId: 'gh-channel-bundle', connector: 'github', leasable: true, rank: 0 },
      { connectionId: 'gh-other-channel-bundle', connector: 'github', leasable: true, rank: 0 },
    ];

    it('given decisions by a bundle connection, then that connection backs the lease, whatever its layer', () => {
      for (const layer of ['channel', 'baseline'] as const) {
        const decisions = [decision(layer, 'bundles/eng-tools/connections/gh-workspace-bundle')];
        expect(pickLeaseConnection('github', decisions, held)).toBe('gh-workspace-bundle');
      }
    });

    it('given a decision by an organization bundle’s connection, then that connection backs the lease, never the workspace’s own', () => {
      const decisions = [decision('baseline', 'organization/bundles/org-tools/connections/gh-org')];
      const withOrganization = [
        held[0],
        { connectionId: 'gh-org', connector: 'github', leasable: true, rank: 3 },
      ];

      expect(pickLeaseConnection('github', decisions, withOrganization)).toBe('gh-org');
      expect(refusalOf(() => pickLeaseConnection('github', decisions, [held[0]])).code).toBe(
        'credential-not-found',
      );
    });

    it('given a JIT decision, then the narrowest scope holding a leasable credential backs it', () => {
      const jit = [decision('jit', 'grants/g-api')];
      expect(pickLeaseConnection('github', jit, held.slice(0, 3))).toBe('gh-channel-bundle');
      expect(pickLeaseConnection('github', jit, held.slice(0, 2))).toBe('gh-workspace-bundle');
      expect(pickLeaseConnection('github', jit, [held[0], { ...held[1], leasable: false }])).toBe(
        'github-main',
      );
    });

    it('given two connections at the narrowest scope, then it is ambiguous, never a guess', () => {
      const refusal = refusalOf(() => pickLeaseConnection('github', [decision('jit', 'grants/g')], held));
      expect(refusal.code).toBe('ambiguous-lease-connection');
      expect(refusal.message).toContain('gh-channel-bundle, gh-other-channel-bundle');
    });

    it('given a baseline and a bundle connection named by two pairs, then the narrower backs the lease', () => {
      const decisions = [
        decision('baseline', 'workspace/connections/github-main'),
        decision('channel', 'bundles/eng-tools/connections/gh-channel-bundle'),
      ];
      expect(pickLeaseConnection('github', decisions, held)).toBe('gh-channel-bundle');
    });

    it("given a channel extension, then it names no connection: the connector's narrowest leasable one backs it", () => {
      const decisions = [decision('channel', 'channel/eng/extensions/gh-write')];
      expect(pickLeaseConnection('github', decisions, held.slice(0, 3))).toBe('gh-channel-bundle');
    });
  });
});

describe('leaseGrant and leaseEnd', () => {
  it('given decisions from baseline and one grant, then the lease derives from that grant', () => {
    const decisions = [
      decision('baseline', 'workspace/connections/github-main'),
      decision('jit', 'grants/g', ['g', at(60_000)]),
    ];

    expect(leaseGrant(decisions)).toEqual({ grantId: 'g', expiresAt: at(60_000) });
    expect(leaseGrant(decisions.slice(0, 1))).toBeNull();
  });

  it('given decisions from two grants, then the lease is refused: one lease per grant, naming both', () => {
    // given
    const decisions = [
      decision('jit', 'grants/g-web', ['g-web', at(2)]),
      decision('jit', 'grants/g-api', ['g-api', at(1)]),
    ];

    // when
    const refusal = refusalOf(() => leaseGrant(decisions));

    // then
    expect(refusal).toMatchObject({ kind: 'unprocessable', code: 'lease-spans-grants' });
    expect(refusal.message).toContain('one lease per grant');
    expect(refusal.issues).toEqual([{ path: 'resources', message: expect.stringContaining('g-api, g-web') }]);
  });

  it('ends at the earliest of the maximum lifetime, the grant and the upstream expiry', () => {
    expect(leaseEnd(T, 900_000)).toBe(at(900_000));
    expect(leaseEnd(T, 900_000, at(60_000), null)).toBe(at(60_000));
    expect(leaseEnd(T, 900_000, at(3_600_000), at(300_000))).toBe(at(300_000));
  });
});
