import { diffBaseline, normalizeBaseline } from '../agent-identity/agent-identity.diff';
import { type AgentIdentityBaseline, emptyBaseline } from '../agent-identity/agent-identity.state';
import type { AccessBundleDocument } from './access-bundle.document';
import type { AccessBundleEvent } from './access-bundle.events';
import type { AccessBundleContent } from './access-bundle.state';

/**
 * A bundle's content is the part of a baseline a bundle may hold (its domains are the baseline's
 * egress entries), so it is normalized and diffed by the baseline's own functions: one notion of
 * "the same connection" or "the same host" for both.
 */
const asBaseline = (content: Omit<AccessBundleContent, 'name'>): AgentIdentityBaseline => ({
  ...emptyBaseline,
  connections: content.connections,
  repositories: content.repositories,
  skills: content.skills,
  instructions: content.instructions,
  egress: content.domains,
});

/** Order and duplicates in the document carry no meaning; the bundle holds the canonical form. */
export function normalizeBundle(document: AccessBundleDocument): AccessBundleContent {
  const baseline = normalizeBaseline(asBaseline(document));
  return {
    name: document.name,
    connections: baseline.connections,
    repositories: baseline.repositories,
    skills: baseline.skills,
    instructions: baseline.instructions,
    domains: baseline.egress,
  };
}

/** The granular events that turn `current` into `desired` (both normalized); none if equal. */
export function diffBundle(current: AccessBundleContent, desired: AccessBundleContent): AccessBundleEvent[] {
  const events: AccessBundleEvent[] = [];
  if (current.name !== desired.name)
    events.push({ type: 'AccessBundleRenamed', data: { name: desired.name } });
  const connections = new Map(desired.connections.map((connection) => [connection.id, connection]));
  const changed = new Set<string>();
  const connectionChanged = (connectionId: string): void => {
    const connection = connections.get(connectionId);
    if (changed.has(connectionId) || connection === undefined) return;
    changed.add(connectionId);
    events.push({ type: 'BundleConnectionChanged', data: { connection } });
  };
  for (const event of diffBaseline(asBaseline(current), asBaseline(desired))) {
    switch (event.type) {
      case 'ConnectionAdded':
        events.push({ type: 'BundleConnectionAdded', data: event.data });
        break;
      case 'ConnectionRemoved':
        events.push({ type: 'BundleConnectionRemoved', data: event.data });
        break;
      case 'ConnectionAccountChanged':
      case 'ConnectionActionsChanged':
      case 'ConnectionResourcesChanged':
      case 'ConnectionNarrowingChanged':
        connectionChanged(event.data.connectionId);
        break;
      case 'RepositoryAdded':
        events.push({ type: 'BundleRepositoryAdded', data: event.data });
        break;
      case 'RepositoryRemoved':
        events.push({ type: 'BundleRepositoryRemoved', data: event.data });
        break;
      case 'SkillEnabled':
        events.push({ type: 'BundleSkillAdded', data: event.data });
        break;
      case 'SkillDisabled':
        events.push({ type: 'BundleSkillRemoved', data: event.data });
        break;
      case 'StandingInstructionsChanged':
        events.push({ type: 'BundleInstructionsChanged', data: event.data });
        break;
      case 'EgressRuleAdded':
        events.push({ type: 'BundleDomainAdded', data: event.data });
        break;
      case 'EgressPortsChanged':
        events.push({ type: 'BundleDomainChanged', data: { rule: event.data } });
        break;
      case 'EgressRuleRemoved':
        events.push({ type: 'BundleDomainRemoved', data: event.data });
        break;
      default:
      // Invoke policy, forbids and memory namespaces are not part of a bundle: both sides hold none.
    }
  }
  return events;
}
