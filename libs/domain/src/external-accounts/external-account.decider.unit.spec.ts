import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import { type ExternalAccountCommand, externalAccountDecider, linkedLogin } from './external-account.decider';
import type { ExternalAccountEvent } from './external-account.events';

const spec = deciderSpec(externalAccountDecider);
const now = '2026-11-30T12:00:00.000Z';

const link = (
  login: string,
  callerRoles: WorkspaceRole[] = ['admin'],
  connector = 'github',
): ExternalAccountCommand => ({
  type: 'LinkExternalAccount',
  principalId: 'dave',
  connector,
  login,
  actor: { kind: 'user', id: 'alice' },
  callerRoles,
  now,
});
const unlink = (callerRoles: WorkspaceRole[] = ['admin']): ExternalAccountCommand => ({
  type: 'UnlinkExternalAccount',
  principalId: 'dave',
  connector: 'github',
  actor: { kind: 'user', id: 'alice' },
  callerRoles,
  now,
});
const linked: ExternalAccountEvent[] = [
  { type: 'ExternalAccountLinked', data: { principalId: 'dave', connector: 'github', login: 'dave-gh' } },
];

describe('external accounts decider', () => {
  it('given no link, when an admin links a GitHub login, then it is recorded in lower case', () => {
    spec
      .given()
      .when(link('Dave-GH'))
      .then([
        {
          type: 'ExternalAccountLinked',
          data: { principalId: 'dave', connector: 'github', login: 'dave-gh' },
        },
      ]);
  });

  it('given the same link, linking again writes nothing; another login replaces it', () => {
    spec.given(linked).when(link('DAVE-gh')).thenNothing();
    const state = spec.given(linked).when(link('dave2')).thenState();
    expect(linkedLogin(state, 'dave', 'github')).toBe('dave2');
  });

  it('given a link, unlinking removes it; unlinking nothing writes nothing', () => {
    spec
      .given(linked)
      .when(unlink())
      .then([{ type: 'ExternalAccountUnlinked', data: { principalId: 'dave', connector: 'github' } }]);
    expect(linkedLogin(spec.given(linked).when(unlink()).thenState(), 'dave', 'github')).toBeUndefined();
    spec.given().when(unlink()).thenNothing();
  });

  it('given a link, another principal has none', () => {
    const state = spec.given(linked).when(link('dave-gh')).thenState();
    expect(linkedLogin(state, 'erin', 'github')).toBeUndefined();
    expect(linkedLogin(state, 'dave', 'jira')).toBeUndefined();
  });

  it.each(['-dave', 'dave-', 'da--ve', 'dave/x', 'a'.repeat(40), '', 'dave\u200b', 'Dave Smith'])(
    'refuses %j, which is no GitHub login',
    (login) => {
      spec
        .given()
        .when(link(login))
        .thenRefuses({ code: 'malformed-login', kind: 'validation', path: 'login' });
    },
  );

  it('accepts a 39-character login', () => {
    spec
      .given()
      .when(link('a'.repeat(39)))
      .then([
        {
          type: 'ExternalAccountLinked',
          data: { principalId: 'dave', connector: 'github', login: 'a'.repeat(39) },
        },
      ]);
  });

  it('given two links, unlinking one keeps the other', () => {
    const both: ExternalAccountEvent[] = [
      ...linked,
      { type: 'ExternalAccountLinked', data: { principalId: 'erin', connector: 'github', login: 'erin-gh' } },
    ];
    const state = spec.given(both).when(unlink()).thenState();
    expect(state.accounts).toEqual({ dave: {}, erin: { github: 'erin-gh' } });
  });

  it('refuses a principal id the envelope could not hold', () => {
    spec
      .given()
      .when({ ...link('dave-gh'), principalId: 'p'.repeat(201) } as ExternalAccountCommand)
      .thenRefuses({ code: 'invalid-external-account', kind: 'validation', path: 'principalId' });
  });

  it('refuses a connector that cannot tell what an invoker may do', () => {
    const refusal = spec
      .given()
      .when(link('dave', ['admin'], 'jira'))
      .thenRefuses({ code: 'invoker-check-unsupported', kind: 'unprocessable' });
    expect(refusal.message).toBe('jira takes no linked accounts');
    expect(refusal.issues).toEqual([{ path: 'connector', message: 'supported: github' }]);
  });

  it('says why a non-admin is refused', () => {
    const refusal = spec
      .given()
      .when(link('dave-gh', ['member']))
      .thenRefuses({ code: 'not-workspace-admin' });
    expect(refusal.message).toBe(
      "Only a workspace owner or admin may say which external account is a member's",
    );
  });

  it('refuses a connector that cannot tell what an invoker may do, naming the field', () => {
    spec
      .given()
      .when(link('dave', ['admin'], 'jira'))
      .thenRefuses({ code: 'invoker-check-unsupported', path: 'connector' });
  });

  it.each([[['member']], [['approver']], [[]]] as WorkspaceRole[][][])(
    'refuses a caller holding %j',
    (roles) => {
      spec
        .given()
        .when(link('dave-gh', roles))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
      spec.given(linked).when(unlink(roles)).thenRefuses({ code: 'not-workspace-admin' });
    },
  );
});
