import { z, type ZodType } from 'zod';
import { isWorkspaceAdmin } from '../common/workspace-role';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { normalizeRule, type PermissionRule, validatePermissionRule } from '../permissions/permission-rule';
import { type Actor, type CodedIssue, DomainError, ownValue, parseOrThrow, throwIfIssues } from '../shared';
import { channelVisibleTo } from './channel-visibility';
import type { ChannelCommand } from './channel.commands';
import {
  type ActiveChannel,
  channelNamespace,
  type ChannelState,
  type NamespaceDirectory,
} from './channel.model';

const channelNotFound = () => new DomainError('not_found', 'channel-not-found', 'Channel not found');

/**
 * Channel members are users: a service, the agent or the system holds no channel role, whatever
 * its subject. (Channels are reached through routes for workspace members, who are users.)
 */
const channelRoleOf = (channel: ActiveChannel, actor: Actor) =>
  actor.kind === 'user' ? ownValue(channel.members, actor.id) : undefined;

/**
 * Visibility comes first: to whoever may not see a private channel, it does not exist (404 as for
 * an unknown id), whatever is asked of it, rather than a 403 or a 409 that would confirm it.
 */
export function requireVisible(
  state: ChannelState,
  command: ChannelCommand,
): Exclude<ChannelState, { status: 'absent' }> {
  if (state.status === 'absent') throw channelNotFound();
  const seer = command.actor.kind === 'user' ? command.actor.id : '';
  if (!channelVisibleTo(state, seer, command.callerRoles)) throw channelNotFound();
  return state;
}

export function requireActive(state: ChannelState): ActiveChannel {
  if (state.status === 'absent') throw channelNotFound();
  if (state.status === 'archived')
    throw new DomainError('conflict', 'channel-archived', 'The channel is archived');
  return state;
}

/** "Channel admin or above": the channel's own admins and every workspace owner or admin. */
export function requireChannelAdmin(channel: ActiveChannel, command: ChannelCommand): void {
  if (channelRoleOf(channel, command.actor) === 'admin' || isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError(
    'forbidden',
    'not-channel-admin',
    'Only a channel admin or a workspace admin may do this',
  );
}

export function requireWorkspaceAdmin(
  command: ChannelCommand,
  code: string,
  message: string,
  path = 'rule',
): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError('forbidden', code, message, [{ path, message: 'needs a workspace owner or admin' }]);
}

/**
 * `{ rule: schema }`, built once per rule schema: zod compiles an object schema's parser on its
 * first use, so a wrapper built per command paid that compilation on every write.
 */
const wrappers = new WeakMap<ZodType, ZodType>();
function underRule<R>(schema: ZodType<R>): ZodType<{ rule: R }> {
  let wrapper = wrappers.get(schema);
  if (wrapper === undefined) wrappers.set(schema, (wrapper = z.object({ rule: schema })));
  return wrapper as ZodType<{ rule: R }>;
}

export function validRule<R extends PermissionRule>(
  rule: R,
  schema: ZodType<R>,
  catalog: ConnectorCatalog,
  existing: readonly PermissionRule[],
): R {
  // Parsed under `rule` so shape errors and catalog errors name fields alike (`rule.resources[0]`).
  const parsed = normalizeRule(parseOrThrow(underRule(schema), { rule }, 'invalid-rule').rule);
  const issues: CodedIssue[] = validatePermissionRule(parsed, catalog, 'rule');
  if (existing.some((other) => other.id === parsed.id)) {
    issues.push({
      code: 'rule-exists',
      path: 'rule.id',
      message: `A rule "${parsed.id}" already exists here`,
    });
  }
  throwIfIssues(issues);
  return parsed;
}

export function requireRule(rules: readonly PermissionRule[], ruleId: string): void {
  if (rules.some((rule) => rule.id === ruleId)) return;
  throw new DomainError('not_found', 'rule-not-found', `No rule "${ruleId}" here`, [
    { path: 'ruleId', message: 'unknown rule' },
  ]);
}

/** A channel may list workspace namespaces and public channels' namespaces, never a private one's. */
export function validateSharedNamespaces(
  channel: ActiveChannel,
  namespaces: readonly string[],
  directory: NamespaceDirectory,
): string[] {
  const own = channelNamespace(channel.channelId);
  const issues: CodedIssue[] = [];
  namespaces.forEach((namespace, index) => {
    const kind = namespace === own ? 'own' : ownValue(directory, namespace);
    const path = `sharedNamespaces[${index}]`;
    if (kind === 'private-channel') {
      issues.push({
        code: 'private-namespace-not-shareable',
        path,
        message: `"${namespace}" belongs to a private channel and can never be shared`,
      });
    } else if (kind === undefined) {
      issues.push({ code: 'unknown-namespace', path, message: `Unknown memory namespace "${namespace}"` });
    }
  });
  throwIfIssues(issues);
  return [...new Set(namespaces.filter((namespace) => namespace !== own))].sort();
}
