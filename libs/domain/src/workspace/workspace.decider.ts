import { identifierSchema } from '../common/identifiers';
import { isWorkspaceAdmin, type WorkspaceRole } from '../common/workspace-role';
import { createConnectorCatalog, validateConnectorDefinition } from '../connectors/connector-catalog';
import { connectorDefinitionSchema } from '../connectors/connector-definition';
import { switchWorkspaceIdentity } from '../kill-switch/kill-switch.decisions';
import { withIdentityDisabled, withIdentityEnabled } from '../kill-switch/kill-switch.model';
import { assertNever, type Decider, DomainError, ownValue, parseOrThrow, throwIfIssues } from '../shared';
import type { WorkspaceCommand } from './workspace.commands';
import { boundServiceSchema, workspaceNameSchema, type WorkspaceEvent } from './workspace.events';
import { type ActiveWorkspace, rolesHeldBy, rolesOf, type WorkspaceState } from './workspace.state';

const initialState = (): WorkspaceState => ({ status: 'absent' });

function requireActive(state: WorkspaceState): ActiveWorkspace {
  if (state.status !== 'active')
    throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
  return state;
}

function requireAdmin(state: ActiveWorkspace, command: WorkspaceCommand): void {
  if (!isWorkspaceAdmin(rolesHeldBy(state, command.actor))) {
    throw new DomainError('forbidden', 'not-workspace-admin', 'Only a workspace owner or admin may do this');
  }
}

/**
 * Only owners make or unmake owners and auditors (auditing is a separate duty: an admin who could
 * make himself auditor would review his own changes); admins manage every other role.
 */
const OWNER_MANAGED_ROLES: ReadonlySet<WorkspaceRole> = new Set(['owner', 'auditor']);

function requireRoleManager(state: ActiveWorkspace, command: WorkspaceCommand, role: WorkspaceRole): void {
  requireAdmin(state, command);
  if (OWNER_MANAGED_ROLES.has(role) && !rolesHeldBy(state, command.actor).includes('owner')) {
    throw new DomainError(
      'forbidden',
      'not-workspace-owner',
      `Only an owner may grant or revoke the ${role} role`,
      [{ path: 'role', message: role }],
    );
  }
}

function requireGroup(state: ActiveWorkspace, groupId: string) {
  const group = ownValue(state.groups, groupId);
  if (group === undefined) {
    throw new DomainError('not_found', 'group-not-found', `Group "${groupId}" not found`, [
      { path: 'groupId', message: 'unknown group' },
    ]);
  }
  return group;
}

function decide(command: WorkspaceCommand, state: WorkspaceState): WorkspaceEvent[] {
  switch (command.type) {
    case 'CreateWorkspace': {
      // The creator becomes the owner, and only users hold roles.
      if (!command.actorIsPlatformAdmin || command.actor.kind !== 'user') {
        throw new DomainError(
          'forbidden',
          'not-platform-admin',
          'Only a platform admin may create a workspace',
        );
      }
      if (state.status !== 'absent') {
        throw new DomainError(
          'conflict',
          'workspace-exists',
          `Workspace "${command.workspaceId}" already exists`,
          [{ path: 'workspaceId', message: 'already exists' }],
        );
      }
      const workspaceId = parseOrThrow(identifierSchema, command.workspaceId, 'invalid-workspace-id');
      const name = parseOrThrow(workspaceNameSchema, command.name.trim(), 'invalid-name');
      return [
        { type: 'WorkspaceCreated', data: { workspaceId, name } },
        { type: 'MemberRoleGranted', data: { principalId: command.actor.id, role: 'owner' } },
      ];
    }
    case 'RenameWorkspace': {
      const active = requireActive(state);
      requireAdmin(active, command);
      const name = parseOrThrow(workspaceNameSchema, command.name.trim(), 'invalid-name');
      return name === active.name ? [] : [{ type: 'WorkspaceRenamed', data: { name } }];
    }
    case 'GrantMemberRole': {
      const active = requireActive(state);
      requireRoleManager(active, command, command.role);
      if (rolesOf(active, command.principalId).includes(command.role)) return [];
      return [{ type: 'MemberRoleGranted', data: { principalId: command.principalId, role: command.role } }];
    }
    case 'RevokeMemberRole': {
      const active = requireActive(state);
      requireRoleManager(active, command, command.role);
      if (!rolesOf(active, command.principalId).includes(command.role)) return [];
      const owners = Object.values(active.members).filter((roles) => roles.includes('owner')).length;
      if (command.role === 'owner' && owners === 1) {
        throw new DomainError('unprocessable', 'last-owner', 'The last owner cannot be removed', [
          { path: 'principalId', message: 'is the last owner' },
        ]);
      }
      return [{ type: 'MemberRoleRevoked', data: { principalId: command.principalId, role: command.role } }];
    }
    case 'CreateGroup': {
      const active = requireActive(state);
      requireAdmin(active, command);
      const groupId = parseOrThrow(identifierSchema, command.groupId, 'invalid-group-id');
      if (ownValue(active.groups, groupId) !== undefined) {
        throw new DomainError('conflict', 'group-exists', `Group "${groupId}" already exists`, [
          { path: 'groupId', message: 'already exists' },
        ]);
      }
      const name = parseOrThrow(workspaceNameSchema, command.name.trim(), 'invalid-name');
      return [{ type: 'GroupCreated', data: { groupId, name } }];
    }
    case 'AddGroupMember': {
      const active = requireActive(state);
      requireAdmin(active, command);
      const group = requireGroup(active, command.groupId);
      if (group.members.includes(command.principalId)) return [];
      return [
        { type: 'GroupMemberAdded', data: { groupId: command.groupId, principalId: command.principalId } },
      ];
    }
    case 'RemoveGroupMember': {
      const active = requireActive(state);
      requireAdmin(active, command);
      const group = requireGroup(active, command.groupId);
      if (!group.members.includes(command.principalId)) return [];
      return [
        { type: 'GroupMemberRemoved', data: { groupId: command.groupId, principalId: command.principalId } },
      ];
    }
    case 'RegisterConnector': {
      const active = requireActive(state);
      requireAdmin(active, command);
      const connector = parseOrThrow(connectorDefinitionSchema, command.connector, 'invalid-connector');
      throwIfIssues(validateConnectorDefinition(connector, createConnectorCatalog(active.connectors)));
      return [{ type: 'ConnectorRegistered', data: { connector } }];
    }
    case 'BindService':
    case 'UnbindService': {
      const active = requireActive(state);
      requireAdmin(active, command);
      const { serviceId } = parseOrThrow(
        boundServiceSchema,
        { serviceId: command.serviceId },
        'invalid-service-id',
      );
      const bound = active.services.includes(serviceId);
      if (command.type === 'BindService') return bound ? [] : [{ type: 'ServiceBound', data: { serviceId } }];
      return bound ? [{ type: 'ServiceUnbound', data: { serviceId } }] : [];
    }
    case 'DisableAgentIdentity':
    case 'EnableAgentIdentity': {
      const active = requireActive(state);
      requireAdmin(active, command);
      return switchWorkspaceIdentity(command, active);
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState {
  if (event.type === 'WorkspaceCreated') {
    return {
      status: 'active',
      workspaceId: event.data.workspaceId,
      name: event.data.name,
      members: {},
      groups: {},
      connectors: [],
      services: [],
    };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'WorkspaceRenamed':
      return { ...state, name: event.data.name };
    case 'MemberRoleGranted': {
      const roles = rolesOf(state, event.data.principalId);
      return {
        ...state,
        members: { ...state.members, [event.data.principalId]: [...roles, event.data.role] },
      };
    }
    case 'MemberRoleRevoked': {
      const { [event.data.principalId]: _revoked, ...others } = state.members;
      const remaining = rolesOf(state, event.data.principalId).filter((role) => role !== event.data.role);
      return {
        ...state,
        members: remaining.length > 0 ? { ...others, [event.data.principalId]: remaining } : others,
      };
    }
    case 'GroupCreated':
      return {
        ...state,
        groups: { ...state.groups, [event.data.groupId]: { name: event.data.name, members: [] } },
      };
    case 'GroupMemberAdded':
    case 'GroupMemberRemoved': {
      const group = ownValue(state.groups, event.data.groupId);
      if (group === undefined) return state;
      const others = group.members.filter((member) => member !== event.data.principalId);
      const members = event.type === 'GroupMemberAdded' ? [...others, event.data.principalId] : others;
      return { ...state, groups: { ...state.groups, [event.data.groupId]: { ...group, members } } };
    }
    case 'ConnectorRegistered':
      return { ...state, connectors: [...state.connectors, event.data.connector] };
    case 'ServiceBound':
      return { ...state, services: [...state.services, event.data.serviceId].sort() };
    case 'ServiceUnbound':
      return { ...state, services: state.services.filter((id) => id !== event.data.serviceId) };
    case 'AgentIdentityDisabled':
      return withIdentityDisabled(state, event.data.reason);
    case 'AgentIdentityEnabled':
      return withIdentityEnabled(state);
    default:
      return assertNever(event);
  }
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  decide,
  evolve,
  initialState,
};
