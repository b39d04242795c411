import { deciderSpec } from '@mandate/testing';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { AgentIdentityCommand } from './agent-identity.commands';
import { agentIdentityDecider } from './agent-identity.decider';
import { normalizeBaseline } from './agent-identity.diff';
import { agentIdentityDocumentSchema, type AgentIdentityDocumentInput } from './agent-identity.document';
import type { AgentIdentityEvent } from './agent-identity.events';

/**
 * The evaluator reads the baseline rebuilt from the log, not the document an admin sent: after any
 * change, the events folded through `evolve` must leave exactly the new document's baseline — a
 * removed connection or forbid that lingered (or vanished too early) would change what is allowed.
 */

const spec = deciderSpec(agentIdentityDecider);
const { evolve, initialState } = agentIdentityDecider;
const catalog = createConnectorCatalog();

const apply = (document: AgentIdentityDocumentInput): AgentIdentityCommand => ({
  type: 'ApplyAgentIdentityDocument',
  document,
  catalog,
  callerRoles: ['admin'],
  actor: { kind: 'user', id: 'alice' },
  now: '2026-11-29T12:00:00.000Z',
});

const historyOf = (document: AgentIdentityDocumentInput): AgentIdentityEvent[] =>
  agentIdentityDecider.decide(apply(document), agentIdentityDecider.initialState());

const baselineOf = (document: AgentIdentityDocumentInput) =>
  normalizeBaseline(agentIdentityDocumentSchema.parse(document));

const conn = (id: string, connector: string, actions: string[], resources: string[], account = 'bot') => ({
  id,
  connector,
  account,
  actions,
  resources,
});
const forbid = (id: string, actions: string[], resources: string[]) => ({
  id,
  connector: 'github',
  actions,
  resources,
});

const before: AgentIdentityDocumentInput = {
  connections: [
    conn('gh-main', 'github', ['write'], ['acme/*']),
    conn('gh-docs', 'github', ['read'], ['acme/docs/**']),
    conn('drive', 'google-drive', ['view'], ['shared/**'], 'sa:agent'),
  ],
  repositories: ['acme/api', 'acme/web'],
  skills: ['review', 'triage'],
  instructions: 'Be concise.',
  egress: [
    { host: 'api.github.com', ports: [443] },
    { host: '*.googleapis.com', ports: [443] },
  ],
  invokePolicy: { roles: ['approver'] },
  forbidden: [
    forbid('no-secrets', ['read'], ['acme/secrets']),
    forbid('no-infra', ['admin'], ['acme/infra']),
  ],
  memoryNamespaces: ['finance', 'handbook'],
};

describe('agent identity: the baseline rebuilt from a change is the new document', () => {
  it.each<[string, AgentIdentityDocumentInput]>([
    [
      'connections changed in place, one removed',
      {
        ...before,
        connections: [
          conn('gh-main', 'github', ['read', 'admin'], ['acme/*', 'acme/infra'], 'app:other'),
          conn('drive', 'google-drive', ['view'], ['shared/**'], 'sa:agent'),
        ],
      },
    ],
    [
      'every list shortened, a forbid changed, another removed',
      {
        connections: [conn('gh-docs', 'github', ['read'], ['acme/docs/**'])],
        repositories: ['acme/web'],
        skills: ['review'],
        egress: [{ host: '*.googleapis.com', ports: [443, 8443] }],
        forbidden: [forbid('no-infra', ['write'], ['acme/infra'])],
        memoryNamespaces: ['handbook'],
      },
    ],
    ['everything removed', {}],
  ])('%s', (_, after) => {
    // Given the baseline of `before`, when `after` is applied
    const given = historyOf(before);
    const state = spec.given(given).when(apply(after)).thenState();
    // Then the state holds exactly `after`'s baseline
    expect(state).toEqual({ status: 'defined', baseline: baselineOf(after) });
    // And applying `after` once more writes nothing
    const changes = agentIdentityDecider.decide(apply(after), given.reduce(evolve, initialState()));
    spec
      .given([...given, ...changes])
      .when(apply(after))
      .thenNothing();
  });
});
