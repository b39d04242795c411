import { accessBundleDecider } from './access-bundles/access-bundle.decider';
import { agentActionDecider } from './agent-actions/agent-action.decider';
import { agentIdentityDecider } from './agent-identity/agent-identity.decider';
import { channelDecider } from './channel/channel.decider';
import { createConnectorCatalog } from './connectors/connector-catalog';
import { identityEventSchemas } from './identity-event-schemas';
import type { Actor, DomainEvent } from './shared';
import { workspaceDecider } from './workspace/workspace.decider';

const alice: Actor = { kind: 'user', id: 'alice' };
const now = '2026-11-29T12:00:00.000Z';
const catalog = createConnectorCatalog();

describe('identityEventSchemas', () => {
  it('registers each version of each event type once, versions counting from 1', () => {
    const versions = identityEventSchemas.map((schema) => `${schema.type}@${schema.version}`);
    expect(new Set(versions).size).toBe(versions.length);
    for (const { type, version } of identityEventSchemas) {
      for (let earlier = 1; earlier < version; earlier++) expect(versions).toContain(`${type}@${earlier}`);
    }
  });

  it('accepts every event the deciders emit', () => {
    const events: DomainEvent[] = [
      ...workspaceDecider.decide(
        {
          type: 'CreateWorkspace',
          workspaceId: 'acme',
          name: 'Acme',
          actorIsPlatformAdmin: true,
          actor: alice,
          now,
        },
        workspaceDecider.initialState(),
      ),
      ...agentIdentityDecider.decide(
        {
          type: 'ApplyAgentIdentityDocument',
          document: {
            connections: [
              {
                id: 'gh',
                connector: 'github',
                account: 'app:bot',
                actions: ['write'],
                resources: ['acme/*'],
              },
            ],
            repositories: ['acme/api'],
            skills: ['review'],
            instructions: 'Be concise.',
            egress: [{ host: '*.googleapis.com', ports: [443] }],
            invokePolicy: { roles: ['member'] },
            forbidden: [{ id: 'f', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
            memoryNamespaces: ['handbook'],
          },
          catalog,
          callerRoles: ['owner'],
          actor: alice,
          now,
        },
        agentIdentityDecider.initialState(),
      ),
      ...channelDecider.decide(
        {
          type: 'CreateChannel',
          channelId: 'eng',
          workspaceId: 'acme',
          name: 'eng',
          visibility: 'private',
          callerRoles: ['owner'],
          actor: alice,
          now,
        },
        channelDecider.initialState(),
      ),
      ...agentActionDecider.decide(
        {
          type: 'RecordAgentAction',
          actionId: '0193f0a0-0000-7000-8000-000000000000',
          idempotencyKey: 'run-1',
          request: {
            channelId: 'eng',
            connector: 'github',
            action: 'write',
            resource: 'acme/api',
            invokedBy: 'alice',
          },
          decision: {
            allowed: true,
            reason: 'ok',
            provenance: { layer: 'baseline', rule: 'workspace/connections/gh', pattern: 'acme/*' },
          },
          actor: alice,
          now,
        },
        agentActionDecider.initialState(),
      ),
      ...accessBundleDecider.decide(
        {
          type: 'ApplyAccessBundleDocument',
          bundleId: 'tools',
          workspaceId: 'acme',
          document: {
            name: 'Tools',
            connections: [
              { id: 'gh', connector: 'github', account: 'app:b', actions: ['read'], resources: ['acme/*'] },
            ],
            repositories: ['acme/api'],
            skills: ['deploy'],
            instructions: 'x',
            domains: [{ host: 'api.github.com', ports: [443] }],
          },
          catalog,
          callerRoles: ['owner'],
          actor: alice,
          now,
        },
        accessBundleDecider.initialState(),
      ),
      { type: 'AccessBundleAttached', data: { scope: 'channel', channelId: 'eng' } },
      { type: 'AccessBundleDetached', data: { scope: 'workspace' } },
    ];
    expect(events.length).toBeGreaterThan(10);
    for (const event of events) {
      // Deciders emit the newest version of each event.
      const schema = identityEventSchemas
        .filter((candidate) => candidate.type === event.type)
        .reduce<(typeof identityEventSchemas)[number] | undefined>(
          (newest, candidate) =>
            newest === undefined || candidate.version > newest.version ? candidate : newest,
          undefined,
        );
      expect(schema).toBeDefined();
      expect(schema?.schema.safeParse(event.data)).toMatchObject({ success: true });
    }
  });
});
