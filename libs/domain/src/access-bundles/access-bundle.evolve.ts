import { assertNever } from '../shared';
import type { AccessBundleEvent } from './access-bundle.events';
import type { AccessBundleBody, AccessBundleState } from './access-bundle.state';

const sorted = <T extends string>(values: readonly T[]): T[] => [...new Set(values)].sort();

function evolveBody(bundle: AccessBundleBody, event: AccessBundleEvent): AccessBundleBody {
  switch (event.type) {
    case 'AccessBundleCreated':
    case 'AccessBundleRetired':
      return bundle;
    case 'AccessBundleRenamed':
      return { ...bundle, name: event.data.name };
    case 'BundleConnectionAdded':
      return { ...bundle, connections: [...bundle.connections, event.data.connection] };
    case 'BundleConnectionChanged': {
      const { connection } = event.data;
      return {
        ...bundle,
        connections: bundle.connections.map((c) => (c.id === connection.id ? connection : c)),
      };
    }
    case 'BundleConnectionRemoved':
      return { ...bundle, connections: bundle.connections.filter((c) => c.id !== event.data.connectionId) };
    case 'BundleRepositoryAdded':
      return { ...bundle, repositories: sorted([...bundle.repositories, event.data.repository]) };
    case 'BundleRepositoryRemoved':
      return { ...bundle, repositories: bundle.repositories.filter((r) => r !== event.data.repository) };
    case 'BundleSkillAdded':
      return { ...bundle, skills: sorted([...bundle.skills, event.data.skill]) };
    case 'BundleSkillRemoved':
      return { ...bundle, skills: bundle.skills.filter((s) => s !== event.data.skill) };
    case 'BundleInstructionsChanged':
      return { ...bundle, instructions: event.data.instructions };
    case 'BundleDomainAdded':
      return { ...bundle, domains: [...bundle.domains, event.data.rule] };
    case 'BundleDomainChanged': {
      const { rule } = event.data;
      return { ...bundle, domains: bundle.domains.map((d) => (d.host === rule.host ? rule : d)) };
    }
    case 'BundleDomainRemoved':
      return { ...bundle, domains: bundle.domains.filter((d) => d.host !== event.data.host) };
    case 'AccessBundleAttached': {
      const scope = event.data;
      return scope.scope === 'workspace'
        ? { ...bundle, attachedTo: { ...bundle.attachedTo, workspace: true } }
        : {
            ...bundle,
            attachedTo: {
              ...bundle.attachedTo,
              channels: sorted([...bundle.attachedTo.channels, scope.channelId]),
            },
          };
    }
    case 'AccessBundleDetached': {
      const scope = event.data;
      return scope.scope === 'workspace'
        ? { ...bundle, attachedTo: { ...bundle.attachedTo, workspace: false } }
        : {
            ...bundle,
            attachedTo: {
              ...bundle.attachedTo,
              channels: bundle.attachedTo.channels.filter((channelId) => channelId !== scope.channelId),
            },
          };
    }
    default:
      return assertNever(event);
  }
}

export function evolveAccessBundle(state: AccessBundleState, event: AccessBundleEvent): AccessBundleState {
  if (event.type === 'AccessBundleCreated') {
    const { bundleId, workspaceId, name } = event.data;
    return {
      status: 'active',
      bundleId,
      workspaceId,
      name,
      connections: [],
      repositories: [],
      skills: [],
      instructions: '',
      domains: [],
      attachedTo: { workspace: false, channels: [] },
    };
  }
  if (state.status === 'absent') return state;
  const body = evolveBody(state, event);
  return { ...body, status: event.type === 'AccessBundleRetired' ? 'retired' : state.status };
}
