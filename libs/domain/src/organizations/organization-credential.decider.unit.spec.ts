import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import {
  organizationCredentialDecider,
  organizationCredentialStreamId,
} from './organization-credential.decider';
import type { OrganizationState } from './organization.state';

const now = '2026-12-01T06:00:00.000Z';
const olga: Actor = { kind: 'user', id: 'olga' };
const fingerprint = `hmac-sha256:${'a'.repeat(43)}`;
const globex: OrganizationState = {
  status: 'active',
  organizationId: 'globex',
  name: 'Globex',
  owners: ['olga'],
  invited: [],
  invitations: {},
  bundles: ['tools'],
};
const store = (actor: Actor, organization: OrganizationState = globex, connectionExists = true) => ({
  type: 'StoreOrganizationCredential' as const,
  organization,
  connectionId: 'github',
  kind: 'github-app' as const,
  connectionExists,
  vaultVersion: 1,
  fingerprint,
  actor,
  now,
});
const spec = deciderSpec(organizationCredentialDecider);
const storedData = {
  workspaceId: 'globex',
  connectionId: 'github',
  kind: 'github-app' as const,
  version: 1,
  vaultVersion: 1,
  fingerprint,
};

describe('organization credential decider', () => {
  it('given an owner and a connection of an active bundle, when storing, then the event holds its fingerprint and names the organization', () => {
    spec
      .given([])
      .when(store(olga))
      .then([{ type: 'CredentialStored', data: storedData }]);
  });

  it('given a stored credential, when an owner stores again, then it is rotated', () => {
    spec
      .given([{ type: 'CredentialStored', data: storedData }])
      .when(store(olga))
      .then([{ type: 'CredentialRotated', data: { ...storedData, version: 2 } }]);
  });

  it.each([
    ['a user who owns no part of it (a member workspace’s admin)', { kind: 'user', id: 'wendy' } as Actor],
    ['a service named as an owner', { kind: 'service', id: 'olga' } as Actor],
  ])('given %s, when storing, then the organization does not exist to them', (_who, actor) => {
    spec.given([]).when(store(actor)).thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
  });

  it('given an organization that does not exist, when storing, then it is refused as absent', () => {
    spec
      .given([])
      .when(store(olga, { status: 'absent' }))
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
  });

  it('given no active bundle of the organization holds the connection, when storing, then it is refused', () => {
    spec
      .given([])
      .when(store(olga, globex, false))
      .thenRefuses({ code: 'unknown-connection', kind: 'unprocessable' });
  });

  it('given a stored credential, when an owner destroys it, then it is destroyed', () => {
    spec
      .given([{ type: 'CredentialStored', data: storedData }])
      .when({
        type: 'DestroyOrganizationCredential',
        organization: globex,
        connectionId: 'github',
        actor: olga,
        now,
      })
      .then([
        { type: 'CredentialDestroyed', data: { workspaceId: 'globex', connectionId: 'github', version: 1 } },
      ]);
  });

  it("given an organization's connection, then its stream is of the organization's family, never an organization's own", () => {
    expect(organizationCredentialStreamId('globex', 'github')).toBe('organization-credential-globex.github');
  });

  it('given a command of no known type, then it is refused as a programming error', () => {
    const command = { type: 'Nope', organization: globex, connectionId: 'github', actor: olga, now };
    expect(() =>
      organizationCredentialDecider.decide(command as never, { status: 'absent' } as never),
    ).toThrow();
  });
});
