import { deciderSpec } from '@mandate/testing';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { AgentIdentityCommand } from './agent-identity.commands';
import { agentIdentityDecider } from './agent-identity.decider';
import type { AgentIdentityDocumentInput } from './agent-identity.document';
import type { AgentIdentityEvent } from './agent-identity.events';
import { baselineOf } from './agent-identity.state';

/** A connection's narrowing is part of the baseline document: parsed, diffed, folded. */

const spec = deciderSpec(agentIdentityDecider);

const apply = (document: AgentIdentityDocumentInput): AgentIdentityCommand => ({
  type: 'ApplyAgentIdentityDocument',
  document,
  catalog: createConnectorCatalog(),
  callerRoles: ['admin'],
  actor: { kind: 'user', id: 'alice' },
  now: '2026-11-30T12:00:00.000Z',
});

const github = {
  id: 'code',
  connector: 'github',
  account: 'app:bot',
  actions: ['read'],
  resources: ['acme/*'],
};
const narrowing = { hosts: ['api.github.com'], pathPrefixes: ['/repos/acme'], methods: 'read-only' as const };
const added = (connection: object): AgentIdentityEvent =>
  ({ type: 'ConnectionAdded', data: { connection } }) as AgentIdentityEvent;

describe('connection narrowing in the baseline', () => {
  it('given no baseline, when a narrowed connection is added, then it is added in canonical form', () => {
    spec
      .given()
      .when(
        apply({
          connections: [
            {
              ...github,
              narrowing: {
                hosts: ['API.GitHub.com.'],
                pathPrefixes: ['/repos/acme/'],
                methods: ['POST', 'GET'],
              },
            },
          ],
        }),
      )
      .then([
        added({
          ...github,
          narrowing: { hosts: ['api.github.com'], pathPrefixes: ['/repos/acme'], methods: ['GET', 'POST'] },
        }),
      ]);
  });

  it('given a connection, when it is narrowed, then ConnectionNarrowingChanged says how, and the baseline holds it', () => {
    const state = spec.given([added(github)]).when(apply({ connections: [{ ...github, narrowing }] }));
    state.then([{ type: 'ConnectionNarrowingChanged', data: { connectionId: 'code', narrowing } }]);
    expect(baselineOf(state.thenState()).connections).toEqual([{ ...github, narrowing }]);
  });

  it('given a narrowed connection, when the same narrowing is spelled otherwise, then nothing is written', () => {
    spec
      .given([added({ ...github, narrowing })])
      .when(
        apply({
          connections: [
            { ...github, narrowing: { ...narrowing, hosts: ['API.github.com', 'api.github.com'] } },
          ],
        }),
      )
      .thenNothing();
  });

  it('given a narrowed connection, when the narrowing is dropped, then it is recorded as null and the field is gone', () => {
    const state = spec.given([added({ ...github, narrowing })]).when(apply({ connections: [github] }));
    state.then([{ type: 'ConnectionNarrowingChanged', data: { connectionId: 'code', narrowing: null } }]);
    expect(baselineOf(state.thenState()).connections).toEqual([github]);
  });

  it('given a narrowed connection, when another connection changes, then only that one is touched', () => {
    const other = { ...github, id: 'other' };
    spec
      .given([added({ ...github, narrowing }), added(other)])
      .when(
        apply({
          connections: [
            { ...github, narrowing },
            { ...other, actions: ['write'] },
          ],
        }),
      )
      .then([
        {
          type: 'ConnectionActionsChanged',
          data: { connectionId: 'other', actions: ['write'], added: ['write'], removed: ['read'] },
        },
      ]);
  });

  it('refuses a path prefix outside the grammar, naming it', () => {
    spec
      .given()
      .when(apply({ connections: [{ ...github, narrowing: { pathPrefixes: ['/repos/%61cme'] } }] }))
      .thenRefuses({
        code: 'malformed-path-prefix',
        kind: 'unprocessable',
        path: 'connections[0].narrowing.pathPrefixes[0]',
      });
  });

  it('refuses a host outside the grammar, naming it', () => {
    spec
      .given()
      .when(
        apply({
          connections: [github, { ...github, id: 'two', narrowing: { hosts: ['api.github.com:443'] } }],
        }),
      )
      .thenRefuses({
        code: 'malformed-host',
        kind: 'unprocessable',
        path: 'connections[1].narrowing.hosts[0]',
      });
  });

  it('refuses a method outside the enum as a malformed document', () => {
    spec
      .given()
      .when(
        apply({
          connections: [{ ...github, narrowing: { methods: ['FETCH'] } }],
        } as unknown as AgentIdentityDocumentInput),
      )
      .thenRefuses({ code: 'invalid-document', kind: 'validation' });
  });
});
