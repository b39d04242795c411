import { Inject, Injectable } from '@nestjs/common';
import { isPlatformAdmin, PLATFORM_ADMINS, type Principal } from '@mandate/auth';
import {
  type ChannelRole,
  channelVisibleTo,
  DomainError,
  ownValue,
  rolesHeldBy,
  type WorkspaceRole,
} from '@mandate/domain';
import { type Page, pageOf, type PageOrder, type PageQuery } from '@mandate/http';
import type { WorkspacePermissions } from '@mandate/projections';
import { ProjectionService } from '../core/projection.service';

export interface WorkspaceSummary {
  workspaceId: string;
  name: string;
  roles: WorkspaceRole[];
}

export interface MemberSummary {
  principalId: string;
  roles: WorkspaceRole[];
  groups: string[];
}

export interface ChannelSummary {
  channelId: string;
  name: string;
  visibility: 'public' | 'private';
  status: 'active' | 'archived';
  memberCount: number;
  callerRole: ChannelRole | null;
}

export interface Me extends Principal {
  platformAdmin: boolean;
  workspaces: Page<WorkspaceSummary>;
}

/** Lists ordered by an id that is its own cursor: any well-formed id continues after itself. */
const byId = <T>(id: (item: T) => string): PageOrder<T> => ({
  key: (item) => [id(item)],
  cursor: (after) => [after],
});

/**
 * "Where am I, what is there": workspaces, members and channels, read from the effective-permission
 * projection (never by folding streams per request), after letting it reach the log's head so a
 * list includes every write acknowledged before it. Tenancy: a caller sees the workspaces where
 * it holds a role (platform admins: all), and a private channel only as its member or an admin.
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly projections: ProjectionService,
    @Inject(PLATFORM_ADMINS) private readonly platformAdmins: ReadonlySet<string>,
  ) {}

  async me(principal: Principal, query: PageQuery): Promise<Me> {
    await this.projections.reachHead();
    const mine = this.workspacesOf(principal);
    return {
      ...principal,
      platformAdmin: isPlatformAdmin(this.platformAdmins, principal),
      workspaces: this.workspacePage(mine, principal, query),
    };
  }

  async workspaces(principal: Principal, query: PageQuery): Promise<Page<WorkspaceSummary>> {
    await this.projections.reachHead();
    const { projection } = this.projections;
    const visible = isPlatformAdmin(this.platformAdmins, principal)
      ? projection.existingWorkspaces()
      : this.workspacesOf(principal);
    return this.workspacePage(visible, principal, query);
  }

  async members(workspaceId: string, query: PageQuery): Promise<Page<MemberSummary>> {
    const workspace = (await this.workspace(workspaceId)).workspace;
    if (workspace.status !== 'active') return { items: [] };
    // A Map, not an object: a principal may be named `__proto__`.
    const groupsOf = new Map<string, string[]>();
    for (const [groupId, group] of Object.entries(workspace.groups)) {
      for (const member of group.members) groupsOf.set(member, [...(groupsOf.get(member) ?? []), groupId]);
    }
    const members = Object.entries(workspace.members).map(([principalId, roles]) => ({
      principalId,
      roles,
      groups: (groupsOf.get(principalId) ?? []).sort(),
    }));
    return pageOf(
      members,
      query,
      byId((member) => member.principalId),
    );
  }

  async channels(principal: Principal, workspaceId: string, query: PageQuery): Promise<Page<ChannelSummary>> {
    const permissions = await this.workspace(workspaceId);
    const callerRoles = rolesHeldBy(permissions.workspace, principal);
    const visible: ChannelSummary[] = [];
    for (const channel of permissions.channels.values()) {
      if (channel.status === 'absent' || !channelVisibleTo(channel, principal.id, callerRoles)) continue;
      visible.push({
        channelId: channel.channelId,
        name: channel.name,
        visibility: channel.visibility,
        status: channel.status,
        memberCount: Object.keys(channel.members).length,
        callerRole: ownValue(channel.members, principal.id) ?? null,
      });
    }
    return pageOf(
      visible,
      query,
      byId((channel) => channel.channelId),
    );
  }

  private async workspace(workspaceId: string): Promise<WorkspacePermissions> {
    await this.projections.reachHead();
    const found = this.projections.projection.workspace(workspaceId);
    if (found === undefined) throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    return found;
  }

  private workspacesOf(principal: Principal): WorkspacePermissions[] {
    return principal.kind === 'user' ? this.projections.projection.workspacesOf(principal.id) : [];
  }

  private workspacePage(
    workspaces: Iterable<WorkspacePermissions>,
    principal: Principal,
    query: PageQuery,
  ): Page<WorkspaceSummary> {
    const summaries: WorkspaceSummary[] = [];
    for (const { workspaceId, workspace } of workspaces) {
      if (workspace.status !== 'active') continue;
      summaries.push({ workspaceId, name: workspace.name, roles: rolesHeldBy(workspace, principal) });
    }
    return pageOf(
      summaries,
      query,
      byId((summary) => summary.workspaceId),
    );
  }
}
