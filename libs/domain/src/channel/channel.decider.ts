import { identifierSchema, skillNameSchema } from '../common/identifiers';
import { invokePolicySchema, normalizeInvokePolicy, sameInvokePolicy } from '../common/invoke-policy';
import { holdsRole } from '../common/workspace-role';
import { switchChannelIdentity } from '../kill-switch/kill-switch.decisions';
import { permissionRuleSchema } from '../permissions/permission-rule';
import { assertNever, type Decider, DomainError, ownValue, parseOrThrow, sameValue } from '../shared';
import { evolve } from './channel.evolve';
import { decideOverlays } from './channel-overlays';
import { decideChannelEgress } from './channel-egress';
import {
  requireActive,
  requireChannelAdmin,
  requireRule,
  requireVisible,
  requireWorkspaceAdmin,
  validateSharedNamespaces,
  validRule,
} from './channel.guards';
import type { ChannelCommand } from './channel.commands';
import type { ChannelEvent } from './channel.events';
import {
  type ActiveChannel,
  channelExtensionSchema,
  channelInstructionsSchema,
  channelNameSchema,
  channelVisibilitySchema,
  type ChannelState,
} from './channel.model';

type Command<Type extends ChannelCommand['type']> = Extract<ChannelCommand, { type: Type }>;

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
    case 'SetChannelOverlays':
      return decideOverlays(channel, command);
    case 'SetChannelEgress':
      return decideChannelEgress(channel, command);
    // Disabling only takes away, so the channel's admins may; turning it back on widens again.
    case 'DisableAgentIdentity':
      requireChannelAdmin(channel, command);
      return switchChannelIdentity(command, channel);
    case 'EnableAgentIdentity':
      requireWorkspaceAdmin(
        command,
        'forbidden-widening',
        'Enabling the agent identity in a channel needs a workspace admin',
        'reason',
      );
      return switchChannelIdentity(command, channel);
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

export const channelDecider: Decider<ChannelCommand, ChannelEvent, ChannelState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
