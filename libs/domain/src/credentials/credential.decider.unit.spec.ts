import { deciderSpec } from '@mandate/testing';
import { type CredentialCommand, credentialDecider } from './credential.decider';
import type { CredentialEvent } from './credential.events';

const spec = deciderSpec(credentialDecider);
const actor = { kind: 'user', id: 'alice' } as const;
const fingerprint = `hmac-sha256:${'a'.repeat(43)}`;
const ref = { workspaceId: 'acme', connectionId: 'github-main' };

const store = (
  overrides: Partial<Extract<CredentialCommand, { type: 'StoreCredential' }>> = {},
): CredentialCommand => ({
  type: 'StoreCredential',
  ...ref,
  kind: 'static',
  connectionExists: true,
  vaultVersion: 1,
  fingerprint,
  actor,
  now: '2026-01-01T00:00:00.000Z',
  callerRoles: ['admin'],
  ...overrides,
});
const destroy = (callerRoles: CredentialCommand['callerRoles'] = ['admin']): CredentialCommand => ({
  type: 'DestroyCredential',
  ...ref,
  actor,
  now: '2026-01-01T00:00:00.000Z',
  callerRoles,
});
const stored = (version: number, vaultVersion: number | null = version): CredentialEvent => ({
  type: 'CredentialStored',
  data: { ...ref, kind: 'static', version, vaultVersion, fingerprint },
});

describe('credential decider', () => {
  it('given no credential, when an admin stores one, then CredentialStored carries the fingerprint', () => {
    spec
      .given([])
      .when(store())
      .then([stored(1)]);
  });

  it('given a stored credential, when another is stored, then it is a rotation with the next version', () => {
    spec
      .given([stored(1)])
      .when(store({ vaultVersion: 2, kind: 'oauth2-client' }))
      .then([
        {
          type: 'CredentialRotated',
          data: { ...ref, kind: 'oauth2-client', version: 2, vaultVersion: 2, fingerprint },
        },
      ]);
  });

  it('given a destroyed credential, when one is stored again, then it is stored anew and its version keeps counting', () => {
    spec
      .given([stored(1), { type: 'CredentialDestroyed', data: { ...ref, version: 1 } }])
      .when(store({ vaultVersion: 1 }))
      .then([
        {
          type: 'CredentialStored',
          data: { ...ref, kind: 'static', version: 2, vaultVersion: 1, fingerprint },
        },
      ]);
  });

  it('refuses a connection the agent identity does not have', () => {
    const refusal = spec
      .given([])
      .when(store({ connectionExists: false }))
      .thenRefuses({ code: 'unknown-connection', kind: 'unprocessable' });
    expect(refusal.message).toContain('no such connection');
    expect(refusal.issues).toEqual([
      { path: 'connectionId', message: expect.stringContaining('workspace baseline') },
    ]);
  });

  it.each([['member'], ['approver'], ['auditor']] as const)('refuses a %s storing or destroying', (role) => {
    const refusal = spec
      .given([])
      .when(store({ callerRoles: [role] }))
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    expect(refusal.message).toContain('owner or admin');
    spec
      .given([stored(1)])
      .when(destroy([role]))
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
  });

  it('given a rotated credential, when stored again or destroyed, then the rotation counts like a store', () => {
    // given
    const rotated: CredentialEvent = {
      type: 'CredentialRotated',
      data: { ...ref, kind: 'oauth2-client', version: 2, vaultVersion: 2, fingerprint },
    };

    // when / then
    spec
      .given([stored(1), rotated])
      .when(store({ vaultVersion: 3 }))
      .then([
        {
          type: 'CredentialRotated',
          data: { ...ref, kind: 'static', version: 3, vaultVersion: 3, fingerprint },
        },
      ]);
    spec
      .given([stored(1), rotated])
      .when(destroy())
      .then([{ type: 'CredentialDestroyed', data: { ...ref, version: 2 } }]);
  });

  it('given no credential, then it is absent at version 0; once destroyed, it is destroyed at its last version', () => {
    // given
    const initial = credentialDecider.initialState();

    // when
    const destroyed = spec
      .given([stored(1)])
      .when(destroy())
      .thenState();

    // then
    expect(initial).toEqual({ status: 'absent', version: 0 });
    expect(destroyed).toEqual({ status: 'destroyed', version: 1 });
  });

  it('given a stored credential, when destroyed, then CredentialDestroyed names the version', () => {
    spec
      .given([stored(1)])
      .when(destroy())
      .then([{ type: 'CredentialDestroyed', data: { ...ref, version: 1 } }]);
  });

  it.each([
    ['none', []],
    ['a destroyed one', [stored(1), { type: 'CredentialDestroyed', data: { ...ref, version: 1 } }]],
  ] as const)('given %s, when destroyed, then it is not found', (_, given) => {
    const refusal = spec
      .given(given)
      .when(destroy())
      .thenRefuses({ code: 'credential-not-found', kind: 'not_found' });
    expect(refusal.message).toContain('no credential');
  });

  it('mandate-jwt stores no secret: no vault version, no fingerprint', () => {
    spec
      .given([])
      .when(store({ kind: 'mandate-jwt', vaultVersion: null, fingerprint: null }))
      .then([
        {
          type: 'CredentialStored',
          data: { ...ref, kind: 'mandate-jwt', version: 1, vaultVersion: null, fingerprint: null },
        },
      ]);
  });
});
