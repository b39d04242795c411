import { channelNamespace } from '../channel/channel.model';
import { isIdentifier } from '../common/identifiers';
import { assertNever } from '../shared';
import type { CompiledWorkspace } from './compiled-identity';
import type { BoundaryDecision } from './decision';
import { activeChannel, checkInvoke, checkMemory } from './evaluator';

/** Reading a namespace, or writing to it (a write or a delete of one of its entries). */
export type MemoryMode = 'read' | 'write';

/**
 * A memory namespace as the grammar reads it: a channel's (`channel:<id>`), a shared workspace
 * namespace (a plain identifier), or an organization's (`organization:<id>`), which the grammar
 * names only to refuse: memory never spans workspaces.
 */
export type ParsedNamespace =
  | { kind: 'channel'; channelId: string }
  | { kind: 'workspace'; name: string }
  | { kind: 'organization' }
  | { kind: 'malformed' };

const CHANNEL_PREFIX = channelNamespace('');
const ORGANIZATION_PREFIX = 'organization:';

export function parseNamespace(namespace: string): ParsedNamespace {
  if (namespace.startsWith(CHANNEL_PREFIX)) {
    const channelId = namespace.slice(CHANNEL_PREFIX.length);
    return isIdentifier(channelId) ? { kind: 'channel', channelId } : { kind: 'malformed' };
  }
  if (namespace.startsWith(ORGANIZATION_PREFIX)) {
    return isIdentifier(namespace.slice(ORGANIZATION_PREFIX.length))
      ? { kind: 'organization' }
      : { kind: 'malformed' };
  }
  return isIdentifier(namespace) ? { kind: 'workspace', name: namespace } : { kind: 'malformed' };
}

const allow = (rule: string, reason: string): BoundaryDecision => ({ allowed: true, reason, rule });
const refuse = (rule: string, reason: string): BoundaryDecision => ({ allowed: false, reason, rule });

/**
 * May the agent in `channelId` write to (or delete from) memory namespace `namespace`? The
 * namespace is parsed first: a string outside the grammar is `malformed-namespace`, never compared
 * to a rule. Then, top to bottom:
 * - its own namespace: always;
 * - an organization's: never (there is no organization-wide memory);
 * - another channel's: never, whatever it lists or its visibility;
 * - a private channel: nothing else (it reads workspace memory, writes only its own);
 * - a public channel: a shared workspace namespace the baseline declares and the channel lists.
 */
export function checkMemoryWrite(
  compiled: CompiledWorkspace,
  query: { channelId: string; namespace: string },
): BoundaryDecision {
  const channel = activeChannel(compiled, query.channelId);
  if ('allowed' in channel) return channel;
  const { namespace } = query;
  const parsed = parseNamespace(namespace);
  switch (parsed.kind) {
    case 'malformed':
      return refuse('malformed-namespace', 'The namespace is neither channel:<id> nor a workspace namespace');
    case 'organization':
      return refuse('no-organization-memory', 'There is no organization-wide memory to write to');
    case 'channel':
      return parsed.channelId === channel.channelId
        ? allow('own-namespace', 'The channel writes its own namespace')
        : refuse(
            'other-channel-namespace',
            `"${namespace}" belongs to another channel; only it writes there`,
          );
    case 'workspace':
      if (channel.visibility === 'private') {
        return refuse('private-channel-writes-own', 'A private channel writes only its own namespace');
      }
      if (!compiled.workspaceNamespaces.has(parsed.name)) {
        return refuse('unknown-namespace', `"${namespace}" is not a shared workspace namespace`);
      }
      return channel.sharedNamespaces.has(parsed.name)
        ? allow('shared-namespace', `The channel lists "${namespace}" in its memory scope`)
        : refuse('not-listed', `The channel does not list "${namespace}" in its memory scope`);
    default:
      return assertNever(parsed);
  }
}

/** `memory-check`'s answer for either mode; reads keep the rules of `checkMemory`. */
export function checkMemoryAccess(
  compiled: CompiledWorkspace,
  query: { channelId: string; namespace: string; mode: MemoryMode },
): BoundaryDecision {
  return query.mode === 'write' ? checkMemoryWrite(compiled, query) : checkMemory(compiled, query);
}

/**
 * The decision recorded for a memory update: the invoking principal must be admitted by the
 * channel's invoke policy, as for an agent action, then the write rules decide.
 */
export function decideMemoryUpdate(
  compiled: CompiledWorkspace,
  request: { channelId: string; namespace: string; invokedBy: string },
): BoundaryDecision {
  const invoke = checkInvoke(compiled, { channelId: request.channelId, principalId: request.invokedBy });
  return invoke.allowed ? checkMemoryWrite(compiled, request) : invoke;
}
