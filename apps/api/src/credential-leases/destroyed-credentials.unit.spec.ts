import type { WorkspacePermissions } from '@mandate/projections';
import type { RecordedLease } from './credential-lease.reader';
import { DestroyedCredentials } from './destroyed-credentials';

const github = { connector: 'github', account: 'app:1', actions: ['read'], resources: ['acme/**'] };
/** acme, a member of holding: its own `gh` in the baseline, holding's `gh-org` through a bundle. */
const permissions = (organizationId: string | null = 'holding') =>
  ({
    membership: { organizationId, usedInvitations: {} },
    compiled: {
      effectiveIdentity: () => ({
        connections: [
          { source: 'baseline', id: 'gh', ...github },
          { source: 'bundle', bundle: 'org-tools', scope: 'organization', id: 'gh-org', ...github },
        ],
      }),
    },
  }) as unknown as WorkspacePermissions;

const lease = (connectionId: string, position: number, issuedAt: string): RecordedLease =>
  ({
    position,
    state: { status: 'issued', lease: { workspaceId: 'acme', connectionId, channelId: 'eng', issuedAt } },
  }) as unknown as RecordedLease;

const before = '2026-12-01T10:00:00.000Z';
const destroyedAt = '2026-12-01T10:01:00.000Z';
const after = '2026-12-01T10:02:00.000Z';

describe('destroyed credentials', () => {
  it("given an organization's credential destroyed, when a member's lease came from it before, then it ends; the workspace's own of another id stands", () => {
    const destroyed = new DestroyedCredentials();
    destroyed.add('acme', {
      owner: 'organization:holding',
      connectionId: 'gh-org',
      position: 50,
      at: destroyedAt,
    });

    expect(destroyed.mintedFromDestroyed('acme', lease('gh-org', 40, before), permissions())).toBe(true);
    expect(destroyed.mintedFromDestroyed('acme', lease('gh', 40, before), permissions())).toBe(false);
    expect(destroyed.mintedFromDestroyed('globex', lease('gh-org', 40, before), permissions())).toBe(false);
  });

  it('given a lease issued before the destroy but recorded after it, then it ends; one issued after a new store stands', () => {
    const destroyed = new DestroyedCredentials();
    destroyed.add('acme', { owner: 'acme', connectionId: 'gh', position: 50, at: destroyedAt });

    expect(destroyed.mintedFromDestroyed('acme', lease('gh', 60, before), permissions())).toBe(true);
    expect(destroyed.mintedFromDestroyed('acme', lease('gh', 60, after), permissions())).toBe(false);
  });

  it("given a workspace's credential destroyed, when a lease of the same id came from the organization's, then it stands", () => {
    const destroyed = new DestroyedCredentials();
    destroyed.add('acme', { owner: 'acme', connectionId: 'gh-org', position: 50, at: destroyedAt });

    expect(destroyed.mintedFromDestroyed('acme', lease('gh-org', 40, before), permissions())).toBe(false);
  });

  it('given a connection no longer held, or a workspace the projection lacks, then the id alone decides (ending too many is the safe side)', () => {
    const destroyed = new DestroyedCredentials();
    destroyed.add('acme', { owner: 'acme', connectionId: 'gone', position: 50, at: destroyedAt });
    destroyed.add('acme', { owner: 'acme', connectionId: 'gh-org', position: 50, at: destroyedAt });

    expect(destroyed.mintedFromDestroyed('acme', lease('gone', 40, before), permissions())).toBe(true);
    expect(destroyed.mintedFromDestroyed('acme', lease('gh', 40, before), undefined)).toBe(false);
    expect(destroyed.mintedFromDestroyed('acme', lease('gh-org', 40, before), undefined)).toBe(true);
    // a member no more: the organization's connection has no holder, so the id decides
    expect(destroyed.mintedFromDestroyed('acme', lease('gh-org', 40, before), permissions(null))).toBe(true);
  });

  it('given the workspace swept, when forgotten, then nothing is ended any more', () => {
    const destroyed = new DestroyedCredentials();
    destroyed.add('acme', { owner: 'acme', connectionId: 'gh', position: 50, at: destroyedAt });
    destroyed.forget('acme');

    expect(destroyed.mintedFromDestroyed('acme', lease('gh', 40, before), permissions())).toBe(false);
  });
});
