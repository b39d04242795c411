import type { WorkspaceRole } from '../common/workspace-role';
import type { ConnectorDefinition } from '../connectors/connector-definition';
import { ownValue } from '../shared/own-value';

export interface WorkspaceGroup {
  name: string;
  members: string[];
}

export type WorkspaceState =
  | { status: 'absent' }
  | {
      status: 'active';
      workspaceId: string;
      name: string;
      /** principal id → roles held (never an empty list: a principal without roles is dropped). */
      members: Record<string, WorkspaceRole[]>;
      groups: Record<string, WorkspaceGroup>;
      /** Connectors the workspace registered, on top of the built-in catalog. */
      connectors: ConnectorDefinition[];
    };

export type ActiveWorkspace = Extract<WorkspaceState, { status: 'active' }>;

export const workspaceStreamId = (workspaceId: string): string => `workspace-${workspaceId}`;

export const rolesOf = (state: WorkspaceState, principalId: string): WorkspaceRole[] =>
  state.status === 'active' ? (ownValue(state.members, principalId) ?? []) : [];
