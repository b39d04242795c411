import { deciderSpec } from '@mandate/testing';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { Actor } from '../shared';
import type { AgentIdentityCommand } from './agent-identity.commands';
import { agentIdentityDecider } from './agent-identity.decider';
import type { AgentIdentityDocumentInput } from './agent-identity.document';
import type { AgentIdentityEvent } from './agent-identity.events';

const spec = deciderSpec(agentIdentityDecider);
const alice: Actor = { kind: 'user', id: 'alice' };
const catalog = createConnectorCatalog();

const apply = (
  document: AgentIdentityDocumentInput,
  callerRoles: AgentIdentityCommand['callerRoles'] = ['admin'],
): AgentIdentityCommand => ({
  type: 'ApplyAgentIdentityDocument',
  document,
  catalog,
  callerRoles,
  actor: alice,
  now: '2026-11-29T12:00:00.000Z',
});

const github = {
  id: 'github-main',
  connector: 'github',
  account: 'app:mandate-bot',
  actions: ['write'],
  resources: ['acme/*'],
};
const drive = {
  id: 'drive',
  connector: 'google-drive',
  account: 'sa:agent@acme',
  actions: ['view'],
  resources: ['shared/**'],
};

/** The events of applying `document` to an empty baseline. */
const historyOf = (document: AgentIdentityDocumentInput): AgentIdentityEvent[] =>
  agentIdentityDecider.decide(apply(document), agentIdentityDecider.initialState());

describe('agent identity decider', () => {
  it('turns a first document into granular events', () => {
    spec
      .given()
      .when(
        apply({
          connections: [github],
          repositories: ['acme/api'],
          skills: ['code-review'],
          instructions: 'Be concise.',
          egress: [{ host: 'API.GitHub.com', ports: [443] }],
          invokePolicy: { roles: ['approver'] },
          forbidden: [
            { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
          ],
          memoryNamespaces: ['handbook'],
        }),
      )
      .then([
        { type: 'ConnectionAdded', data: { connection: github } },
        { type: 'RepositoryAdded', data: { repository: 'acme/api' } },
        { type: 'SkillEnabled', data: { skill: 'code-review' } },
        { type: 'StandingInstructionsChanged', data: { instructions: 'Be concise.' } },
        { type: 'EgressRuleAdded', data: { rule: { host: 'api.github.com', ports: [443] } } },
        {
          type: 'InvokePolicyChanged',
          data: { policy: { roles: ['approver'], groups: [], principals: [], channelMembers: false } },
        },
        {
          type: 'ForbidRuleAdded',
          data: {
            rule: { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
          },
        },
        { type: 'MemoryNamespaceAdded', data: { namespace: 'handbook' } },
      ]);
  });

  it('writes nothing for an unchanged document, whatever the order of its lists', () => {
    const document = {
      connections: [github, drive],
      skills: ['a', 'b'],
      egress: [{ host: 'x.io', ports: [443, 80] }],
    };
    spec
      .given(historyOf(document))
      .when(
        apply({
          connections: [drive, { ...github, resources: ['acme/*', 'acme/*'] }],
          skills: ['b', 'a'],
          egress: [{ host: 'X.io', ports: [80, 443] }],
        }),
      )
      .thenNothing();
  });

  it('writes nothing for an unchanged forbid rule read back from the log in canonical key order', () => {
    const rule = { id: 'f', connector: 'github', actions: ['read'], resources: ['acme/secrets'] };
    const { actions, connector, id, resources } = rule;
    spec
      .given([{ type: 'ForbidRuleAdded', data: { rule: { actions, connector, id, resources } } }])
      .when(apply({ forbidden: [rule] }))
      .thenNothing();
  });

  it('records exactly what changed in a connection', () => {
    spec
      .given(historyOf({ connections: [github, drive] }))
      .when(
        apply({
          connections: [
            {
              ...github,
              account: 'app:other',
              actions: ['read', 'admin'],
              resources: ['acme/*', 'acme/infra'],
            },
          ],
        }),
      )
      .then([
        { type: 'ConnectionAccountChanged', data: { connectionId: 'github-main', account: 'app:other' } },
        {
          type: 'ConnectionActionsChanged',
          data: {
            connectionId: 'github-main',
            actions: ['admin', 'read'],
            added: ['admin', 'read'],
            removed: ['write'],
          },
        },
        {
          type: 'ConnectionResourcesChanged',
          data: {
            connectionId: 'github-main',
            resources: ['acme/*', 'acme/infra'],
            added: ['acme/infra'],
            removed: [],
          },
        },
        { type: 'ConnectionRemoved', data: { connectionId: 'drive' } },
      ]);
  });

  it('replaces a connection whose connector changed', () => {
    const replaced = { ...github, connector: 'linear', actions: ['read'], resources: ['platform/*'] };
    spec
      .given(historyOf({ connections: [github] }))
      .when(apply({ connections: [replaced] }))
      .then([
        { type: 'ConnectionRemoved', data: { connectionId: 'github-main' } },
        { type: 'ConnectionAdded', data: { connection: replaced } },
      ]);
  });

  it('records removals of repositories, skills, egress, namespaces and forbids, and policy resets', () => {
    spec
      .given(
        historyOf({
          repositories: ['acme/api'],
          skills: ['triage'],
          instructions: 'x',
          egress: [
            { host: 'a.io', ports: [443] },
            { host: 'b.io', ports: [443] },
          ],
          invokePolicy: { principals: ['svc'] },
          forbidden: [{ id: 'f', connector: 'github', actions: ['admin'], resources: ['**'] }],
          memoryNamespaces: ['handbook'],
        }),
      )
      .when(
        apply({
          egress: [{ host: 'a.io', ports: [443, 8443] }],
          forbidden: [{ id: 'f', connector: 'github', actions: ['write'], resources: ['**'] }],
        }),
      )
      .then([
        { type: 'RepositoryRemoved', data: { repository: 'acme/api' } },
        { type: 'SkillDisabled', data: { skill: 'triage' } },
        { type: 'StandingInstructionsChanged', data: { instructions: '' } },
        { type: 'EgressPortsChanged', data: { host: 'a.io', ports: [443, 8443] } },
        { type: 'EgressRuleRemoved', data: { host: 'b.io' } },
        {
          type: 'InvokePolicyChanged',
          data: {
            policy: {
              roles: ['member'],
              groups: [],
              principals: [],
              channelMembers: false,
            },
          },
        },
        {
          type: 'ForbidRuleChanged',
          data: { rule: { id: 'f', connector: 'github', actions: ['write'], resources: ['**'] } },
        },
        { type: 'MemoryNamespaceRemoved', data: { namespace: 'handbook' } },
      ]);
  });

  it('rebuilds the same baseline from its events', () => {
    const document = {
      connections: [github, drive],
      skills: ['x'],
      egress: [{ host: '*.googleapis.com', ports: [443] }],
    };
    const state = spec.given().when(apply(document)).thenState();
    expect(state).toMatchObject({
      status: 'defined',
      baseline: { connections: [github, drive], skills: ['x'] },
    });
    spec.given(historyOf(document)).when(apply(document)).thenNothing();
  });

  describe('refusals', () => {
    it('refuses a caller who is not a workspace admin', () => {
      spec
        .given()
        .when(apply({}, ['approver']))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    });

    it('refuses an unknown connector, naming the field', () => {
      spec
        .given()
        .when(apply({ connections: [drive, { ...github, connector: 'gitlab' }] }))
        .thenRefuses({ code: 'unknown-connector', kind: 'unprocessable', path: 'connections[1].connector' });
    });

    it('refuses an action the connector does not have', () => {
      spec
        .given()
        .when(apply({ connections: [{ ...github, actions: ['read', 'delete'] }] }))
        .thenRefuses({ code: 'unknown-action', path: 'connections[0].actions[1]' });
    });

    it('refuses a malformed resource pattern', () => {
      spec
        .given()
        .when(apply({ connections: [{ ...github, resources: ['acme/**/api'] }] }))
        .thenRefuses({ code: 'malformed-pattern', path: 'connections[0].resources[0]' });
    });

    it('refuses a malformed forbid pattern', () => {
      spec
        .given()
        .when(
          apply({ forbidden: [{ id: 'f', connector: 'github', actions: ['read'], resources: ['acme//x'] }] }),
        )
        .thenRefuses({ code: 'malformed-pattern', path: 'forbidden[0].resources[0]' });
    });

    it('refuses a malformed egress host', () => {
      spec
        .given()
        .when(apply({ egress: [{ host: 'api.*.com', ports: [443] }] }))
        .thenRefuses({ code: 'malformed-pattern', path: 'egress[0].host' });
    });

    it.each([
      'evil.com/.example.com',
      '*.evil.com#',
      'evil .example.com',
      '*.com',
      '*.10.0.0.1',
      'localhost',
    ])('refuses the egress entry %j, naming it', (host) => {
      spec
        .given()
        .when(
          apply({
            egress: [
              { host: 'api.github.com', ports: [443] },
              { host, ports: [443] },
            ],
          }),
        )
        .thenRefuses({ code: 'malformed-pattern', path: 'egress[1].host' });
    });

    it('keeps egress entries in their canonical form: lower case, punycode, no root dot, RFC 5952', () => {
      spec
        .given()
        .when(
          apply({
            egress: [
              { host: '*.Bücher.Example.', ports: [443] },
              { host: '[2001:DB8::0:1]', ports: [443] },
            ],
          }),
        )
        .then([
          { type: 'EgressRuleAdded', data: { rule: { host: '*.xn--bcher-kva.example', ports: [443] } } },
          { type: 'EgressRuleAdded', data: { rule: { host: '[2001:db8::1]', ports: [443] } } },
        ]);
    });

    it('refuses two spellings of one egress entry', () => {
      spec
        .given()
        .when(
          apply({
            egress: [
              { host: '*.bücher.example', ports: [443] },
              { host: '*.XN--BCHER-KVA.example.', ports: [80] },
            ],
          }),
        )
        .thenRefuses({ code: 'duplicate-host', path: 'egress[1].host' });
    });

    it('refuses the same egress host twice', () => {
      spec
        .given()
        .when(
          apply({
            egress: [
              { host: 'a.io', ports: [443] },
              { host: 'A.io', ports: [80] },
            ],
          }),
        )
        .thenRefuses({ code: 'duplicate-host', path: 'egress[1].host' });
    });

    it('refuses duplicate connection ids', () => {
      spec
        .given()
        .when(apply({ connections: [github, github] }))
        .thenRefuses({ code: 'duplicate-id', path: 'connections[1].id' });
    });

    it('refuses a document of the wrong shape, naming the field', () => {
      spec
        .given()
        .when(apply({ connections: [{ ...github, actions: [] }] }))
        .thenRefuses({ code: 'invalid-document', kind: 'validation', path: 'connections[0].actions' });
    });

    it('refuses unknown fields', () => {
      spec
        .given()
        .when(apply({ conections: [] } as AgentIdentityDocumentInput))
        .thenRefuses({ code: 'invalid-document' });
    });

    it('reports every issue of a document at once', () => {
      const error = spec
        .given()
        .when(
          apply({
            connections: [
              { ...github, connector: 'gitlab' },
              { ...drive, actions: ['fly'] },
            ],
          }),
        )
        .thenRefuses({ code: 'unknown-connector' });
      expect(error.issues.map((issue) => issue.path)).toEqual([
        'connections[0].connector',
        'connections[1].actions[0]',
      ]);
    });
  });
});
