import { randomBytes } from 'node:crypto';
import {
  checkLeaseRequestSignature,
  type LeaseRequestClaims,
  signLeaseRequest,
} from './lease-request-signature';
import { signJitCommand } from './jit-command-signature';

const key = randomBytes(32);
const claims: LeaseRequestClaims = {
  workspaceId: 'acme',
  leaseId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  connectionId: 'github-main',
  connector: 'github',
  credentialKind: 'github-app',
  actions: ['write'],
  resources: ['acme/api'],
  expiresAt: '2026-06-01T12:15:00.000Z',
};

describe('lease request signatures', () => {
  it('given a request the API signed, then the worker accepts it', () => {
    expect(checkLeaseRequestSignature(key, claims, signLeaseRequest(key, claims))).toBe(true);
  });

  it.each([
    ['another repository', { resources: ['acme/secrets'] }],
    ['another action', { actions: ['admin'] }],
    ['a later end', { expiresAt: '2026-06-01T13:15:00.000Z' }],
    ['another connection', { connectionId: 'github-other' }],
    ['another workspace', { workspaceId: 'globex' }],
    ['a bundle holding the connection', { bundleId: 'tools', channelId: 'eng' }],
  ])('given the signature of one request, then %s is refused', (_, change) => {
    expect(checkLeaseRequestSignature(key, { ...claims, ...change }, signLeaseRequest(key, claims))).toBe(
      false,
    );
  });

  it('given a bundle connection’s request, then another channel or bundle is refused', () => {
    const bundled = { ...claims, bundleId: 'tools', channelId: 'eng' };
    const signature = signLeaseRequest(key, bundled);

    expect(checkLeaseRequestSignature(key, bundled, signature)).toBe(true);
    expect(checkLeaseRequestSignature(key, { ...bundled, channelId: 'ops' }, signature)).toBe(false);
    expect(checkLeaseRequestSignature(key, { ...bundled, bundleId: 'other' }, signature)).toBe(false);
  });

  it('given an organization connection’s request, then another organization, or none, is refused', () => {
    const organization = { ...claims, bundleId: 'tools', channelId: 'eng', organizationId: 'holding' };
    const signature = signLeaseRequest(key, organization);

    expect(checkLeaseRequestSignature(key, organization, signature)).toBe(true);
    expect(checkLeaseRequestSignature(key, { ...organization, organizationId: 'other' }, signature)).toBe(
      false,
    );
    expect(checkLeaseRequestSignature(key, { ...organization, organizationId: null }, signature)).toBe(false);
  });

  it('refuses a signature by another key, a missing one and a JIT command signature', () => {
    const jit = signJitCommand(key, {
      workspaceId: 'acme',
      requestId: claims.leaseId,
      round: 0,
      command: { type: 'RequestAccess', actor: { kind: 'service', id: 'runtime' } },
    });
    expect(checkLeaseRequestSignature(key, claims, signLeaseRequest(randomBytes(32), claims))).toBe(false);
    expect(checkLeaseRequestSignature(key, claims, undefined)).toBe(false);
    expect(checkLeaseRequestSignature(key, claims, jit)).toBe(false);
  });
});
