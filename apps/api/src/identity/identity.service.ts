import { Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import {
  type AgentIdentityDocument,
  type AgentIdentityDocumentInput,
  type AgentIdentityCommand,
  agentIdentityDecider,
  agentIdentityStreamId,
  baselineOf,
  type ChannelCommand,
  type CommandContext,
  channelDecider,
  type ChannelState,
  channelVisibleTo,
  channelStreamId,
  type ChannelVisibility,
  createConnectorCatalog,
  DomainError,
  isIdentifier,
  type NamespaceDirectory,
  rolesHeldBy,
  workspaceDecider,
  type WorkspaceCommand,
  workspaceStreamId,
} from '@mandate/domain';
import { type CommandOutcome, type CommandPreview, CommandRunner } from '../core/command-runner';
import type { IssueLocation } from '../core/refusal-location';
import {
  type ChannelChange,
  type ChannelView,
  channelViewOf,
  type ConnectorCatalogView,
  connectorCatalogViewOf,
  type WorkspaceChange,
  type WorkspaceContext,
  type WorkspaceView,
  workspaceViewOf,
} from './identity.views';

export type {
  ChannelChange,
  ChannelView,
  ConnectorCatalogView,
  WorkspaceChange,
  WorkspaceView,
} from './identity.views';

const workspaceNotFound = () => new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
const channelNotFound = () => new DomainError('not_found', 'channel-not-found', 'Channel not found');

/**
 * Turns identity requests into domain commands: it reads what a decider needs besides its own
 * stream (the caller's roles and the connector catalog from the workspace stream, the kind of each
 * memory namespace named) and runs the command on the aggregate's stream. Reads fold the streams,
 * so an answer always reflects every write acknowledged before it.
 */
@Injectable()
export class IdentityService {
  constructor(private readonly commands: CommandRunner) {}

  createWorkspace(
    principal: Principal,
    actorIsPlatformAdmin: boolean,
    body: { workspaceId: string; name: string },
  ): Promise<CommandOutcome> {
    return this.commands.run(
      workspaceDecider,
      workspaceStreamId(body.workspaceId),
      (context): WorkspaceCommand => ({ type: 'CreateWorkspace', ...body, actorIsPlatformAdmin, ...context }),
      { workspaceId: body.workspaceId, principal },
    );
  }

  changeWorkspace(
    principal: Principal,
    workspaceId: string,
    change: WorkspaceChange,
    issuesIn: IssueLocation = 'body',
  ): Promise<CommandOutcome> {
    return this.commands.run(
      workspaceDecider,
      workspaceStreamId(workspaceId),
      (context): WorkspaceCommand => ({ ...change, ...context }),
      { workspaceId, principal, issuesIn },
    );
  }
  async workspace(workspaceId: string): Promise<WorkspaceView> {
    const { workspace, revision } = await this.activeWorkspace(workspaceId);
    return workspaceViewOf(workspace, revision);
  }

  /** What connections and overrides may name here: the built-in connectors, then the workspace's own. */
  async connectors(workspaceId: string): Promise<ConnectorCatalogView> {
    const { workspace, revision } = await this.activeWorkspace(workspaceId);
    return connectorCatalogViewOf(workspace, revision);
  }

  async agentIdentity(workspaceId: string): Promise<{ document: AgentIdentityDocument; revision: number }> {
    await this.activeWorkspace(workspaceId);
    const { state, revision } = await this.commands.fold(
      agentIdentityDecider,
      agentIdentityStreamId(workspaceId),
    );
    return { document: baselineOf(state), revision };
  }

  async applyAgentIdentity(
    principal: Principal,
    workspaceId: string,
    document: AgentIdentityDocumentInput,
    expectedRevision: number,
  ): Promise<CommandOutcome> {
    const { callerRoles, catalog } = await this.context(principal, workspaceId);
    return this.commands.run(
      agentIdentityDecider,
      agentIdentityStreamId(workspaceId),
      (context): AgentIdentityCommand => ({
        type: 'ApplyAgentIdentityDocument',
        document,
        catalog,
        callerRoles,
        ...context,
      }),
      { workspaceId, principal, expectedRevision },
    );
  }

  /** The granular events `applyAgentIdentity` would record for this document, without recording them. */
  async previewAgentIdentity(
    principal: Principal,
    workspaceId: string,
    document: AgentIdentityDocumentInput,
    expectedRevision: number | undefined,
  ): Promise<CommandPreview> {
    const { callerRoles, catalog } = await this.context(principal, workspaceId);
    return this.commands.preview(
      agentIdentityDecider,
      agentIdentityStreamId(workspaceId),
      (context): AgentIdentityCommand => ({
        type: 'ApplyAgentIdentityDocument',
        document,
        catalog,
        callerRoles,
        ...context,
      }),
      { workspaceId, principal, expectedRevision },
    );
  }

  async createChannel(
    principal: Principal,
    workspaceId: string,
    body: { channelId: string; name: string; visibility: ChannelVisibility },
  ): Promise<CommandOutcome> {
    const { callerRoles } = await this.context(principal, workspaceId);
    return this.commands.run(
      channelDecider,
      channelStreamId(workspaceId, body.channelId),
      (context): ChannelCommand => ({ type: 'CreateChannel', workspaceId, ...body, callerRoles, ...context }),
      { workspaceId, principal },
    );
  }

  /** `expectedRevision` (from `If-Match`) pins the change to the revision the caller read. */
  async changeChannel(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    change: ChannelChange,
    issuesIn: IssueLocation = 'body',
    expectedRevision?: number,
  ): Promise<CommandOutcome> {
    const command = await this.channelCommand(principal, workspaceId, channelId, change);
    return this.commands.run(channelDecider, channelStreamId(workspaceId, channelId), command, {
      workspaceId,
      principal,
      issuesIn,
      expectedRevision,
    });
  }

  /** The events `changeChannel` would record for this change, decided by the same decider; nothing written. */
  async previewChannelChange(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    change: ChannelChange,
    expectedRevision: number | undefined,
  ): Promise<CommandPreview> {
    const command = await this.channelCommand(principal, workspaceId, channelId, change);
    return this.commands.preview(channelDecider, channelStreamId(workspaceId, channelId), command, {
      workspaceId,
      principal,
      expectedRevision,
    });
  }

  private async channelCommand(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    change: ChannelChange,
  ): Promise<(context: CommandContext) => ChannelCommand> {
    const { callerRoles, catalog } = await this.context(principal, workspaceId);
    const namespaces =
      change.type === 'SetChannelMemoryScope'
        ? await this.namespaceDirectory(workspaceId, change.sharedNamespaces)
        : {};
    return (context): ChannelCommand => {
      // Commands that need no catalog or directory simply ignore them.
      const resolved = { channelId, catalog, namespaces, callerRoles, ...context };
      return { ...change, ...resolved };
    };
  }

  /** A private channel is visible to its members and workspace admins only: others get 404. */
  async channel(principal: Principal, workspaceId: string, channelId: string): Promise<ChannelView> {
    const { callerRoles } = await this.context(principal, workspaceId);
    const { state, revision } = await this.commands.fold(
      channelDecider,
      channelStreamId(workspaceId, channelId),
    );
    if (state.status === 'absent' || !channelVisibleTo(state, principal.id, callerRoles)) {
      throw channelNotFound();
    }
    return channelViewOf(state, revision);
  }

  private async activeWorkspace(workspaceId: string) {
    const { state, revision } = await this.commands.fold(workspaceDecider, workspaceStreamId(workspaceId));
    if (state.status !== 'active') throw workspaceNotFound();
    return { workspace: state, revision };
  }

  private async context(principal: Principal, workspaceId: string): Promise<WorkspaceContext> {
    const { workspace } = await this.activeWorkspace(workspaceId);
    return {
      workspace,
      callerRoles: rolesHeldBy(workspace, principal),
      catalog: createConnectorCatalog(workspace.connectors),
    };
  }

  /**
   * The kind of each namespace a channel wants to list: the baseline's shared namespaces and the
   * channels of this workspace (`channel:<id>`). Anything else stays unknown, and the decider names it.
   */
  private async namespaceDirectory(
    workspaceId: string,
    requested: readonly string[],
  ): Promise<NamespaceDirectory> {
    const { document } = await this.agentIdentity(workspaceId);
    // A Map, not an object: a namespace may be named `__proto__`.
    const directory = new Map<string, NamespaceDirectory[string]>();
    for (const namespace of document.memoryNamespaces) directory.set(namespace, 'workspace');
    for (const namespace of new Set(requested)) {
      if (!namespace.startsWith('channel:')) continue;
      const owner = await this.channelState(workspaceId, namespace.slice('channel:'.length));
      if (owner.status === 'absent') continue;
      directory.set(namespace, owner.visibility === 'private' ? 'private-channel' : 'public-channel');
    }
    return Object.fromEntries(directory);
  }

  private async channelState(workspaceId: string, channelId: string): Promise<ChannelState> {
    // A malformed id names no channel; it must not become part of a stream id.
    if (!isIdentifier(channelId)) return { status: 'absent' };
    return (await this.commands.fold(channelDecider, channelStreamId(workspaceId, channelId))).state;
  }
}
