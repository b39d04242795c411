import { Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import {
  accessBundleDecider,
  type CommandContext,
  hasUnusedInvitation,
  isOrganizationOwner,
  type OrganizationCommand,
  organizationDecider,
  organizationEnvelopeId,
  organizationBundleStreamId,
  organizationMembershipDecider,
  type OrganizationMembershipState,
  organizationMembershipStreamId,
  organizationNotFound,
  type OrganizationState,
  organizationStreamId,
  rolesHeldBy,
  workspaceDecider,
  workspaceStreamId,
  DomainError,
} from '@mandate/domain';
import { type CommandOutcome, CommandRunner, type Folded } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';

type Distribute<T> = T extends unknown ? Omit<T, keyof CommandContext> : never;
export type OrganizationChange = Distribute<
  Exclude<
    OrganizationCommand,
    { type: 'CreateOrganization' | 'AttachOrganizationBundle' | 'InviteWorkspace' }
  >
>;

export interface OrganizationView {
  organizationId: string;
  name: string;
  owners: string[];
  invited: string[];
  bundles: string[];
  members: string[];
  revision: number;
}

const workspaceNotFound = () => new DomainError('not_found', 'workspace-not-found', 'Workspace not found');

/**
 * Organizations: their own stream (owners, invitations, attachments) and each workspace's
 * membership stream. Every authority a decider needs is folded from the log here: the caller's
 * roles in the workspace, the organization's owners and invitations, the bundle's status.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
  ) {}

  create(
    principal: Principal,
    actorIsPlatformAdmin: boolean,
    body: { organizationId: string; name: string },
  ) {
    return this.commands.run(
      organizationDecider,
      organizationStreamId(body.organizationId),
      (context): OrganizationCommand => ({
        type: 'CreateOrganization',
        ...body,
        actorIsPlatformAdmin,
        ...context,
      }),
      { workspaceId: organizationEnvelopeId(body.organizationId), principal },
    );
  }

  /** Only its owners see an organization; to anyone else it does not exist. */
  async owned(principal: Principal, organizationId: string): Promise<Folded<OrganizationState>> {
    const folded = await this.commands.fold(organizationDecider, organizationStreamId(organizationId));
    if (!isOrganizationOwner(folded.state, principal)) throw organizationNotFound();
    return folded;
  }

  async view(principal: Principal, organizationId: string): Promise<OrganizationView> {
    const { state, revision } = await this.owned(principal, organizationId);
    if (state.status !== 'active') throw organizationNotFound();
    await this.projections.reachHead();
    const members = [...this.projections.projection.organizationMembers(organizationId)].sort();
    const { name, owners, bundles } = state;
    // An invitation admits one joining: the ones used up stay on the organization's stream but are
    // not open any more, which only each workspace's membership stream knows.
    const memberships = await Promise.all(state.invited.map((workspaceId) => this.membershipOf(workspaceId)));
    const invited = state.invited.filter((workspaceId, index) =>
      hasUnusedInvitation(state, workspaceId, memberships[index]),
    );
    return { organizationId, name, owners, invited, bundles, members, revision };
  }

  change(
    principal: Principal,
    organizationId: string,
    change: OrganizationChange,
    expectedRevision?: number,
  ): Promise<CommandOutcome> {
    return this.commands.run(
      organizationDecider,
      organizationStreamId(organizationId),
      (context) => ({ ...change, ...context }) as OrganizationCommand,
      {
        workspaceId: organizationEnvelopeId(organizationId),
        principal,
        expectedRevision,
        issuesIn: 'params',
      },
    );
  }

  /**
   * Inviting needs to know whether the workspace joined on its standing invitation (then used up,
   * and a new one is recorded): its membership is folded from its stream. A workspace that does not
   * exist folds as one that never joined, so the answer names no workspace's existence.
   */
  async invite(principal: Principal, organizationId: string, workspaceId: string, expectedRevision?: number) {
    await this.owned(principal, organizationId);
    const membership = await this.membershipOf(workspaceId);
    return this.commands.run(
      organizationDecider,
      organizationStreamId(organizationId),
      (context): OrganizationCommand => ({ type: 'InviteWorkspace', workspaceId, membership, ...context }),
      {
        workspaceId: organizationEnvelopeId(organizationId),
        principal,
        expectedRevision,
        issuesIn: 'params',
      },
    );
  }

  /** Attaching needs the bundle to exist and be active: its status is read from its stream. */
  async attach(principal: Principal, organizationId: string, bundleId: string, expectedRevision?: number) {
    await this.owned(principal, organizationId);
    const { state } = await this.commands.fold(
      accessBundleDecider,
      organizationBundleStreamId(organizationId, bundleId),
    );
    return this.commands.run(
      organizationDecider,
      organizationStreamId(organizationId),
      (context): OrganizationCommand => ({
        type: 'AttachOrganizationBundle',
        bundleId,
        bundle: state.status,
        ...context,
      }),
      {
        workspaceId: organizationEnvelopeId(organizationId),
        principal,
        expectedRevision,
        issuesIn: 'params',
      },
    );
  }

  /** The workspace's owner joins an organization that invited it. */
  async join(principal: Principal, workspaceId: string, organizationId: string): Promise<CommandOutcome> {
    const callerRoles = await this.rolesIn(principal, workspaceId);
    const { state: organization } = await this.commands.fold(
      organizationDecider,
      organizationStreamId(organizationId),
    );
    return this.commands.run(
      organizationMembershipDecider,
      organizationMembershipStreamId(workspaceId),
      (context) => ({
        type: 'JoinOrganization' as const,
        workspaceId,
        organizationId,
        organization,
        callerRoles,
        ...context,
      }),
      { workspaceId, principal, issuesIn: 'params' },
    );
  }

  /**
   * Out of its organization: by the workspace's owner (workspace route), or by the owners of the
   * organization it belongs to (organization route, where `organizationId` is checked first).
   */
  async leave(principal: Principal, workspaceId: string, organizationId?: string): Promise<CommandOutcome> {
    const callerRoles = organizationId === undefined ? await this.rolesIn(principal, workspaceId) : [];
    if (organizationId !== undefined) await this.owned(principal, organizationId);
    const membership = await this.membershipOf(workspaceId);
    const speaksFor = organizationId ?? membership.organizationId;
    const organization =
      speaksFor === null
        ? organizationDecider.initialState()
        : (await this.commands.fold(organizationDecider, organizationStreamId(speaksFor))).state;
    return this.commands.run(
      organizationMembershipDecider,
      organizationMembershipStreamId(workspaceId),
      (context) => ({
        type: 'LeaveOrganization' as const,
        workspaceId,
        organization,
        callerRoles,
        ...context,
      }),
      { workspaceId, principal, issuesIn: 'params' },
    );
  }

  async membership(workspaceId: string): Promise<{ organizationId: string | null }> {
    return { organizationId: (await this.membershipOf(workspaceId)).organizationId };
  }

  private async membershipOf(workspaceId: string): Promise<OrganizationMembershipState> {
    const membership = organizationMembershipStreamId(workspaceId);
    return (await this.commands.fold(organizationMembershipDecider, membership)).state;
  }

  private async rolesIn(principal: Principal, workspaceId: string) {
    const { state } = await this.commands.fold(workspaceDecider, workspaceStreamId(workspaceId));
    if (state.status !== 'active') throw workspaceNotFound();
    return rolesHeldBy(state, principal);
  }
}
