import { overlaysWith } from '../permissions/overlay-rule';
import { withIdentityDisabled, withIdentityEnabled } from '../kill-switch/kill-switch.model';
import type { PermissionRule } from '../permissions/permission-rule';
import { assertNever } from '../shared';
import type { ChannelEvent } from './channel.events';
import type { ChannelBody, ChannelState } from './channel.model';

const withoutRule = <R extends PermissionRule>(rules: readonly R[], ruleId: string): R[] =>
  rules.filter((rule) => rule.id !== ruleId);

function evolveBody(
  body: ChannelBody,
  event: Exclude<
    ChannelEvent,
    {
      type:
        'ChannelCreated' | 'ChannelArchived' | 'ChannelAgentIdentityDisabled' | 'ChannelAgentIdentityEnabled';
    }
  >,
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
    case 'ChannelOverlayAdded':
      return { ...body, overlays: overlaysWith(body.overlays ?? [], { added: event.data.rule }) };
    case 'ChannelOverlayChanged':
      return { ...body, overlays: overlaysWith(body.overlays ?? [], { changed: event.data.rule }) };
    case 'ChannelOverlayRemoved':
      return { ...body, overlays: overlaysWith(body.overlays ?? [], { removed: event.data.ruleId }) };
    case 'ChannelEgressSet':
      return { ...body, egress: { allow: event.data.allow, deny: event.data.deny } };
    default:
      return assertNever(event);
  }
}

export function evolve(state: ChannelState, event: ChannelEvent): ChannelState {
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
    // Not through evolveBody: its result is spread over the state, which would keep the field.
    case 'ChannelAgentIdentityDisabled':
      return state.status === 'absent' ? state : withIdentityDisabled(state, event.data.reason);
    case 'ChannelAgentIdentityEnabled':
      return state.status === 'absent' ? state : withIdentityEnabled(state);
    default:
      return state.status === 'absent' ? state : { ...state, ...evolveBody(state, event) };
  }
}
