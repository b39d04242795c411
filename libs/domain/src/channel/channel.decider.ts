import { z, type ZodType } from 'zod';
import { identifierSchema, skillNameSchema } from '../common/identifiers';
import { invokePolicySchema, normalizeInvokePolicy, sameInvokePolicy } from '../common/invoke-policy';
import { holdsRole, isWorkspaceAdmin } from '../common/workspace-role';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import {
  normalizeRule,
  type PermissionRule,
  permissionRuleSchema,
  validatePermissionRule,
} from '../permissions/permission-rule';
import {
  type Actor,
  assertNever,
  type CodedIssue,
  type Decider,
  DomainError,
  ownValue,
  parseOrThrow,
  sameValue,
  throwIfIssues,
} from '../shared';
import { channelVisibleTo } from './channel-visibility';
import type { ChannelCommand } from './channel.commands';
import type { ChannelEvent } from './channel.events';
import {
  type ActiveChannel,
  type ChannelBody,
  channelExtensionSchema,
  channelInstructionsSchema,
  channelNameSchema,
  channelNamespace,
  channelVisibilitySchema,
  type ChannelState,
  type NamespaceDirectory,
} from './channel.model';

type Command<Type extends ChannelCommand['type']> = Extract<ChannelCommand, { type: Type }>;

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
function requireVisible(
  state: ChannelState,
  command: ChannelCommand,
): Exclude<ChannelState, { status: 'absent' }> {
  if (state.status === 'absent') throw channelNotFound();
  const seer = command.actor.kind === 'user' ? command.actor.id : '';
  if (!channelVisibleTo(state, seer, command.callerRoles)) throw channelNotFound();
  return state;
}

function requireActive(state: ChannelState): ActiveChannel {
  if (state.status === 'absent') throw channelNotFound();
  if (state.status === 'archived')
    throw new DomainError('conflict', 'channel-archived', 'The channel is archived');
  return state;
}

/** "Channel admin or above": the channel's own admins and every workspace owner or admin. */
function requireChannelAdmin(channel: ActiveChannel, command: ChannelCommand): void {
  if (channelRoleOf(channel, command.actor) === 'admin' || isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError(
    'forbidden',
    'not-channel-admin',
    'Only a channel admin or a workspace admin may do this',
  );
}

function requireWorkspaceAdmin(command: ChannelCommand, code: string, message: string, path = 'rule'): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError('forbidden', code, message, [{ path, message: 'needs a workspace owner or admin' }]);
}

function validRule<R extends PermissionRule>(
  rule: R,
  schema: ZodType<R>,
  catalog: ConnectorCatalog,
  existing: readonly PermissionRule[],
): R {
  // Parsed under `rule` so shape errors and catalog errors name fields alike (`rule.resources[0]`).
  const parsed = normalizeRule(parseOrThrow(z.object({ rule: schema }), { rule }, 'invalid-rule').rule);
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

function requireRule(rules: readonly PermissionRule[], ruleId: string): void {
  if (rules.some((rule) => rule.id === ruleId)) return;
  throw new DomainError('not_found', 'rule-not-found', `No rule "${ruleId}" here`, [
    { path: 'ruleId', message: 'unknown rule' },
  ]);
}

/** A channel may list workspace namespaces and public channels' namespaces, never a private one's. */
function validateSharedNamespaces(
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

function decideOnActive(
  command: Exclude<ChannelCommand, Command<'CreateChannel'>>,
  channel: ActiveChannel,
): ChannelEvent[] {
  const channelId = channel.channelId;
  switch (command.type) {
    case 'ArchiveChannel':
      requireChannelAdmin(channel, command);
      return [{ type: 'ChannelArchived', data: { channelId } }];
    case 'AddChannelMember': {
      requireChannelAdmin(channel, command);
      const current = ownValue(channel.members, command.principalId);
      if (current === command.role) return [];
      const data = { channelId, principalId: command.principalId, role: command.role };
      return [{ type: current === undefined ? 'ChannelMemberAdded' : 'ChannelMemberRoleChanged', data }];
    }
    case 'RemoveChannelMember':
      requireChannelAdmin(channel, command);
      if (ownValue(channel.members, command.principalId) === undefined) return [];
      return [{ type: 'ChannelMemberRemoved', data: { channelId, principalId: command.principalId } }];
    case 'ExtendChannel': {
      requireWorkspaceAdmin(
        command,
        'forbidden-widening',
        'Extending a channel beyond the baseline needs a workspace admin',
      );
      const rule = validRule(command.rule, channelExtensionSchema, command.catalog, channel.extensions);
      return [{ type: 'ChannelExtensionAdded', data: { channelId, rule } }];
    }
    case 'RemoveChannelExtension':
      requireChannelAdmin(channel, command);
      requireRule(channel.extensions, command.ruleId);
      return [{ type: 'ChannelExtensionRemoved', data: { channelId, ruleId: command.ruleId } }];
    case 'RestrictChannel': {
      requireChannelAdmin(channel, command);
      const rule = validRule(command.rule, permissionRuleSchema, command.catalog, channel.restrictions);
      return [{ type: 'ChannelRestrictionAdded', data: { channelId, rule } }];
    }
    case 'RemoveChannelRestriction':
      requireChannelAdmin(channel, command);
      requireRule(channel.restrictions, command.ruleId);
      return [{ type: 'ChannelRestrictionRemoved', data: { channelId, ruleId: command.ruleId } }];
    case 'ForbidInChannel': {
      requireWorkspaceAdmin(command, 'not-workspace-admin', 'Only a workspace admin may forbid');
      const rule = validRule(command.rule, permissionRuleSchema, command.catalog, channel.forbidden);
      return [{ type: 'ChannelForbidAdded', data: { channelId, rule } }];
    }
    case 'RemoveChannelForbid':
      requireWorkspaceAdmin(
        command,
        'forbidden-widening',
        'Lifting a forbid needs a workspace admin',
        'ruleId',
      );
      requireRule(channel.forbidden, command.ruleId);
      return [{ type: 'ChannelForbidRemoved', data: { channelId, ruleId: command.ruleId } }];
    case 'SetChannelInstructions': {
      requireChannelAdmin(channel, command);
      const instructions =
        command.instructions === null
          ? null
          : parseOrThrow(channelInstructionsSchema, command.instructions, 'invalid-instructions');
      if (sameValue(instructions, channel.instructions)) return [];
      return [{ type: 'ChannelInstructionsSet', data: { channelId, instructions } }];
    }
    case 'SetChannelSkill': {
      requireChannelAdmin(channel, command);
      const skill = parseOrThrow(skillNameSchema, command.skill, 'invalid-skill');
      if ((ownValue(channel.skills, skill) ?? 'inherit') === command.state) return [];
      return [{ type: 'ChannelSkillOverrideSet', data: { channelId, skill, state: command.state } }];
    }
    case 'SetChannelMemoryScope': {
      requireChannelAdmin(channel, command);
      const sharedNamespaces = validateSharedNamespaces(
        channel,
        command.sharedNamespaces,
        command.namespaces,
      );
      if (JSON.stringify(sharedNamespaces) === JSON.stringify(channel.sharedNamespaces)) return [];
      return [{ type: 'ChannelMemoryScopeChanged', data: { channelId, sharedNamespaces } }];
    }
    case 'SetChannelInvokePolicy': {
      requireChannelAdmin(channel, command);
      const policy =
        command.policy === null
          ? null
          : normalizeInvokePolicy(parseOrThrow(invokePolicySchema, command.policy, 'invalid-invoke-policy'));
      const current = channel.invokePolicy;
      const unchanged =
        policy === null || current === null ? policy === current : sameInvokePolicy(policy, current);
      return unchanged ? [] : [{ type: 'ChannelInvokePolicyChanged', data: { channelId, policy } }];
    }
    default:
      return assertNever(command);
  }
}

function decide(command: ChannelCommand, state: ChannelState): ChannelEvent[] {
  if (command.type !== 'CreateChannel') {
    return decideOnActive(command, requireActive(requireVisible(state, command)));
  }
  if (state.status !== 'absent') {
    throw new DomainError('conflict', 'channel-exists', `Channel "${command.channelId}" already exists`, [
      { path: 'channelId', message: 'already exists' },
    ]);
  }
  if (!holdsRole(command.callerRoles, 'member')) {
    throw new DomainError(
      'forbidden',
      'not-workspace-member',
      'Only a workspace member may create a channel',
    );
  }
  const channelId = parseOrThrow(identifierSchema, command.channelId, 'invalid-channel-id');
  const workspaceId = parseOrThrow(identifierSchema, command.workspaceId, 'invalid-workspace-id');
  const visibility = parseOrThrow(channelVisibilitySchema, command.visibility, 'invalid-visibility');
  const name = parseOrThrow(channelNameSchema, command.name.trim(), 'invalid-name');
  return [
    {
      type: 'ChannelCreated',
      data: { channelId, workspaceId, name, visibility },
    },
    { type: 'ChannelMemberAdded', data: { channelId, principalId: command.actor.id, role: 'admin' } },
  ];
}

const withoutRule = <R extends PermissionRule>(rules: readonly R[], ruleId: string): R[] =>
  rules.filter((rule) => rule.id !== ruleId);

function evolveBody(
  body: ChannelBody,
  event: Exclude<ChannelEvent, { type: 'ChannelCreated' | 'ChannelArchived' }>,
): ChannelBody {
  switch (event.type) {
    case 'ChannelMemberAdded':
    case 'ChannelMemberRoleChanged':
      return { ...body, members: { ...body.members, [event.data.principalId]: event.data.role } };
    case 'ChannelMemberRemoved': {
      const { [event.data.principalId]: _removed, ...members } = body.members;
      return { ...body, members };
    }
    case 'ChannelExtensionAdded':
      return { ...body, extensions: [...body.extensions, event.data.rule] };
    case 'ChannelExtensionRemoved':
      return { ...body, extensions: withoutRule(body.extensions, event.data.ruleId) };
    case 'ChannelRestrictionAdded':
      return { ...body, restrictions: [...body.restrictions, event.data.rule] };
    case 'ChannelRestrictionRemoved':
      return { ...body, restrictions: withoutRule(body.restrictions, event.data.ruleId) };
    case 'ChannelForbidAdded':
      return { ...body, forbidden: [...body.forbidden, event.data.rule] };
    case 'ChannelForbidRemoved':
      return { ...body, forbidden: withoutRule(body.forbidden, event.data.ruleId) };
    case 'ChannelInstructionsSet':
      return { ...body, instructions: event.data.instructions };
    case 'ChannelSkillOverrideSet': {
      const { [event.data.skill]: _previous, ...skills } = body.skills;
      return {
        ...body,
        skills: event.data.state === 'inherit' ? skills : { ...skills, [event.data.skill]: event.data.state },
      };
    }
    case 'ChannelMemoryScopeChanged':
      return { ...body, sharedNamespaces: event.data.sharedNamespaces };
    case 'ChannelInvokePolicyChanged':
      return { ...body, invokePolicy: event.data.policy };
    default:
      return assertNever(event);
  }
}

function evolve(state: ChannelState, event: ChannelEvent): ChannelState {
  switch (event.type) {
    case 'ChannelCreated':
      return {
        status: 'active',
        ...event.data,
        members: {},
        extensions: [],
        restrictions: [],
        forbidden: [],
        instructions: null,
        skills: {},
        sharedNamespaces: [],
        invokePolicy: null,
      };
    case 'ChannelArchived':
      return state.status === 'active' ? { ...state, status: 'archived' } : state;
    default:
      return state.status === 'absent' ? state : { ...state, ...evolveBody(state, event) };
  }
}

export const channelDecider: Decider<ChannelCommand, ChannelEvent, ChannelState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
