import type { WorkspaceRole } from '../common/workspace-role';
import type { ConnectorDefinition } from '../connectors/connector-definition';
import type { Switchable } from '../kill-switch/kill-switch.model';
import type { Actor } from '../shared/decider';
import { ownValue } from '../shared/own-value';

export interface WorkspaceGroup {
  name: string;
  members: string[];
}

export type WorkspaceState =
  | { status: 'absent' }
  | (Switchable & {
      status: 'active';
      workspaceId: string;
      name: string;
      /** principal id → roles held (never an empty list: a principal without roles is dropped). */
      members: Record<string, WorkspaceRole[]>;
      groups: Record<string, WorkspaceGroup>;
      /** Connectors the workspace registered, on top of the built-in catalog. */
      connectors: ConnectorDefinition[];
      /**
       * Subjects of the service principals bound to the workspace by its admins, sorted: the only
       * services that may act here (within their tokens' scopes). Another tenant's service is not.
       */
      services: string[];
    });

export type ActiveWorkspace = Extract<WorkspaceState, { status: 'active' }>;

export const workspaceStreamId = (workspaceId: string): string => `workspace-${workspaceId}`;

/** The roles a user holds (members are users: `principalId` is a user's subject). */
export const rolesOf = (state: WorkspaceState, principalId: string): WorkspaceRole[] =>
  state.status === 'active' ? (ownValue(state.members, principalId) ?? []) : [];

/**
 * The roles a principal holds, looked up by (kind, subject): only users hold roles, so a service,
 * the agent or the system whose id equals a member's holds none of that member's.
 */
export const rolesHeldBy = (state: WorkspaceState, principal: Pick<Actor, 'kind' | 'id'>): WorkspaceRole[] =>
  principal.kind === 'user' ? rolesOf(state, principal.id) : [];

/** Is the principal a service an admin bound to this workspace? Users are never "bound". */
export const servesWorkspace = (state: WorkspaceState, principal: Pick<Actor, 'kind' | 'id'>): boolean =>
  principal.kind === 'service' && state.status === 'active' && state.services.includes(principal.id);
