import { Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import {
  accessBundleDecider,
  type AccessBundleCommand,
  type AccessBundleDocumentInput,
  accessBundleStreamId,
  agentIdentityDecider,
  agentIdentityStreamId,
  BASELINE_BUNDLE_ID,
  baselineOf,
  type BundleScope,
  channelDecider,
  channelStreamId,
  channelVisibleTo,
  createConnectorCatalog,
  DomainError,
  ownValue,
  rolesHeldBy,
  type ScopeChannel,
  type WorkspaceRole,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import { baselineBundleView, bundleView, type BundleView } from './access-bundles.views';

type BundleChange = Exclude<AccessBundleCommand['type'], 'ApplyAccessBundleDocument'>;

const workspaceNotFound = () => new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
const bundleNotFound = () => new DomainError('not_found', 'bundle-not-found', 'Access bundle not found');

/**
 * Access bundles: the document and the attachments are commands on the bundle's own stream
 * (`access-bundle-<ws>.<bundleId>`); the edge resolves what the decider needs besides it (the
 * caller's roles, the catalog, the named channel as the caller may see it). Reads fold the stream;
 * the list takes the ids from the projection once it holds the log's head.
 */
@Injectable()
export class AccessBundlesService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
  ) {}

  async list(principal: Principal, workspaceId: string): Promise<BundleView[]> {
    const { callerRoles } = await this.context(principal, workspaceId);
    await this.projections.reachHead();
    const ids = [...(this.projections.projection.workspace(workspaceId)?.bundles.keys() ?? [])].sort();
    const bundles = await Promise.all(ids.map((id) => this.view(principal, workspaceId, id, callerRoles)));
    return [await this.baseline(workspaceId), ...bundles];
  }

  async get(principal: Principal, workspaceId: string, bundleId: string): Promise<BundleView> {
    const { callerRoles } = await this.context(principal, workspaceId);
    if (bundleId === BASELINE_BUNDLE_ID) return this.baseline(workspaceId);
    return this.view(principal, workspaceId, bundleId, callerRoles);
  }

  async apply(
    principal: Principal,
    workspaceId: string,
    bundleId: string,
    document: AccessBundleDocumentInput,
    expectedRevision: number,
  ): Promise<CommandOutcome> {
    const { callerRoles, catalog } = await this.context(principal, workspaceId);
    return this.commands.run(
      accessBundleDecider,
      accessBundleStreamId(workspaceId, bundleId),
      (context): AccessBundleCommand => ({
        type: 'ApplyAccessBundleDocument',
        workspaceId,
        bundleId,
        document,
        catalog,
        callerRoles,
        ...context,
      }),
      { workspaceId, principal, expectedRevision },
    );
  }

  /** Attach, detach or retire; `scope` for the first two. */
  async change(
    principal: Principal,
    workspaceId: string,
    bundleId: string,
    type: BundleChange,
    scope: BundleScope = { scope: 'workspace' },
    expectedRevision?: number,
  ): Promise<CommandOutcome> {
    const { callerRoles } = await this.context(principal, workspaceId);
    const channel = await this.scopeChannel(principal, workspaceId, callerRoles, scope);
    return this.commands.run(
      accessBundleDecider,
      accessBundleStreamId(workspaceId, bundleId),
      (context): AccessBundleCommand =>
        type === 'RetireAccessBundle'
          ? { type, bundleId, callerRoles, ...context }
          : { type, bundleId, scope, channel, callerRoles, ...context },
      { workspaceId, principal, expectedRevision, issuesIn: 'params' },
    );
  }

  private async view(
    principal: Principal,
    workspaceId: string,
    bundleId: string,
    callerRoles: readonly WorkspaceRole[],
  ): Promise<BundleView> {
    const { state, revision } = await this.commands.fold(
      accessBundleDecider,
      accessBundleStreamId(workspaceId, bundleId),
    );
    if (state.status === 'absent') throw bundleNotFound();
    const channels = this.projections.projection.workspace(workspaceId)?.channels;
    return bundleView(state, revision, (channelId) => {
      const channel = channels?.get(channelId);
      const seer = principal.kind === 'user' ? principal.id : '';
      return (
        channel !== undefined && channel.status !== 'absent' && channelVisibleTo(channel, seer, callerRoles)
      );
    });
  }

  private async baseline(workspaceId: string): Promise<BundleView> {
    const { state, revision } = await this.commands.fold(
      agentIdentityDecider,
      agentIdentityStreamId(workspaceId),
    );
    return baselineBundleView(baselineOf(state), revision);
  }

  /** The channel a scope names as the caller may see it: one they may not see is absent. */
  private async scopeChannel(
    principal: Principal,
    workspaceId: string,
    callerRoles: readonly WorkspaceRole[],
    scope: BundleScope,
  ): Promise<ScopeChannel> {
    if (scope.scope === 'workspace') return { status: 'absent' };
    const { state } = await this.commands.fold(channelDecider, channelStreamId(workspaceId, scope.channelId));
    const seer = principal.kind === 'user' ? principal.id : '';
    if (state.status === 'absent' || !channelVisibleTo(state, seer, callerRoles)) return { status: 'absent' };
    return { status: state.status, callerRole: ownValue(state.members, seer) ?? null };
  }

  private async context(principal: Principal, workspaceId: string) {
    const { state } = await this.commands.fold(workspaceDecider, workspaceStreamId(workspaceId));
    if (state.status !== 'active') throw workspaceNotFound();
    return { callerRoles: rolesHeldBy(state, principal), catalog: createConnectorCatalog(state.connectors) };
  }
}
