import {
  type ActiveWorkspace,
  type ChannelBody,
  type ChannelCommand,
  type ChannelState,
  type ConnectorCatalog,
  type ConnectorDefinition,
  createConnectorCatalog,
  type WorkspaceCommand,
  type WorkspaceRole,
} from '@mandate/domain';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A workspace command as a request states it; the caller and the clock are added here. */
export type WorkspaceChange = DistributiveOmit<
  Exclude<WorkspaceCommand, { type: 'CreateWorkspace' }>,
  'actor' | 'now'
>;

/** A channel command as a request states it; caller, roles, catalog and namespaces are resolved here. */
export type ChannelChange = DistributiveOmit<
  Exclude<ChannelCommand, { type: 'CreateChannel' }>,
  'actor' | 'now' | 'callerRoles' | 'channelId' | 'catalog' | 'namespaces'
>;

export interface WorkspaceView {
  workspaceId: string;
  name: string;
  members: { principalId: string; roles: WorkspaceRole[] }[];
  groups: { groupId: string; name: string; members: string[] }[];
  /** Subjects of the services bound to the workspace. */
  services: string[];
  /** Present while the agent identity is disabled in the whole workspace (the kill switch). */
  identityDisabled?: { reason: string };
  revision: number;
}

export interface ConnectorCatalogView {
  connectors: (ConnectorDefinition & { builtin: boolean })[];
  /** The workspace stream's revision, as `GET /v1/workspaces/{ws}` reports it. */
  revision: number;
}

export type ChannelView = Omit<ChannelBody, 'members'> & {
  status: 'active' | 'archived';
  members: { principalId: string; role: string }[];
  revision: number;
};

export function workspaceViewOf(workspace: ActiveWorkspace, revision: number): WorkspaceView {
  return {
    workspaceId: workspace.workspaceId,
    name: workspace.name,
    members: Object.entries(workspace.members)
      .map(([principalId, roles]) => ({ principalId, roles }))
      .sort((a, b) => a.principalId.localeCompare(b.principalId)),
    groups: Object.entries(workspace.groups).map(([groupId, group]) => ({ groupId, ...group })),
    services: workspace.services,
    ...(workspace.identityDisabled && { identityDisabled: workspace.identityDisabled }),
    revision,
  };
}

/** The built-in connectors, then the workspace's own. */
export function connectorCatalogViewOf(workspace: ActiveWorkspace, revision: number): ConnectorCatalogView {
  const registered = new Set(workspace.connectors.map((connector) => connector.id));
  return {
    connectors: createConnectorCatalog(workspace.connectors).definitions.map((definition) => ({
      ...definition,
      builtin: !registered.has(definition.id),
    })),
    revision,
  };
}

export function channelViewOf(
  state: Exclude<ChannelState, { status: 'absent' }>,
  revision: number,
): ChannelView {
  const { members, ...rest } = state;
  return {
    ...rest,
    members: Object.entries(members).map(([principalId, role]) => ({ principalId, role })),
    revision,
  };
}

/** What a command on the workspace needs besides its own stream. */
export interface WorkspaceContext {
  workspace: ActiveWorkspace;
  callerRoles: WorkspaceRole[];
  catalog: ConnectorCatalog;
}
