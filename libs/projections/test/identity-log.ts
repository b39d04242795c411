import { v7 as uuidv7 } from 'uuid';
import {
  type AccessRequestCommand,
  accessRequestDecider,
  accessBundleDecider,
  type AccessBundleCommand,
  accessBundleStreamId,
  type ActiveGrant,
  type Actor,
  agentIdentityDecider,
  type AgentIdentityDocumentInput,
  agentIdentityStreamId,
  type ChannelCommand,
  channelDecider,
  channelStreamId,
  createConnectorCatalog,
  defaultApprovalPolicy,
  organizationBundleDecider,
  type OrganizationBundleCommand,
  organizationBundleStreamId,
  type OrganizationCommand,
  organizationDecider,
  organizationEnvelopeId,
  organizationMembershipDecider,
  organizationMembershipStreamId,
  type OrganizationState,
  organizationStreamId,
  type Decider,
  type DomainEvent,
  eventSchemas,
  rolesOf,
  workspaceDecider,
  type WorkspaceCommand,
  type WorkspaceState,
  workspaceStreamId,
} from '@mandate/domain';
import {
  type EventStore,
  EventSchemaRegistry,
  handleCommand,
  type NewEvent,
  SqliteEventStore,
} from '@mandate/event-store';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type WorkspaceInput = DistributiveOmit<WorkspaceCommand, 'actor' | 'now'>;
export type ChannelInput = DistributiveOmit<ChannelCommand, 'actor' | 'now' | 'callerRoles' | 'catalog'>;
export type RequestAccessInput = Omit<
  Extract<AccessRequestCommand, { type: 'RequestAccess' }>,
  'type' | 'actor' | 'now' | 'callerRoles' | 'workspaceId' | 'policy'
>;
export type GrantInput = ActiveGrant & { requestId?: string };
export type BundleInput = DistributiveOmit<
  AccessBundleCommand,
  'actor' | 'now' | 'callerRoles' | 'catalog' | 'workspaceId'
>;

/** An invitation's membership (was the standing one used up?) is folded from the log, as the API does. */
export type OrganizationInput = DistributiveOmit<OrganizationCommand, 'actor' | 'now' | 'membership'>;

export const user = (id: string): Actor => ({ kind: 'user', id });
const system: Actor = { kind: 'system', id: 'jit-grant-workflow' };

/** A store for tests: SQLite in memory (default) or in a file, with every domain event schema. */
export const openTestStore = (
  options: { path?: string; pollIntervalMs?: number; clock?: () => Date } = {},
): SqliteEventStore =>
  new SqliteEventStore({
    path: options.path ?? ':memory:',
    schemas: new EventSchemaRegistry(eventSchemas),
    pollIntervalMs: options.pollIntervalMs ?? 10,
    clock: options.clock,
  });

/**
 * Writes the identity log the way the API does: commands through the real deciders and the
 * command handler (refusals surface as DomainError), grant events as the JIT workflow writes them.
 */
export class IdentityLog {
  constructor(
    readonly store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  workspace(workspaceId: string, by: string, command: WorkspaceInput) {
    return this.run(workspaceDecider, workspaceStreamId(workspaceId), workspaceId, by, (context) => ({
      ...command,
      ...context,
    }));
  }

  /** A workspace created by a platform admin, who becomes its owner. */
  createWorkspace(workspaceId: string, by = 'olivia', name = 'Acme') {
    return this.workspace(workspaceId, by, {
      type: 'CreateWorkspace',
      workspaceId,
      name,
      actorIsPlatformAdmin: true,
    });
  }

  async baseline(workspaceId: string, by: string, document: AgentIdentityDocumentInput) {
    const workspace = await this.workspaceState(workspaceId);
    return this.run(agentIdentityDecider, agentIdentityStreamId(workspaceId), workspaceId, by, (context) => ({
      type: 'ApplyAgentIdentityDocument' as const,
      document,
      catalog: catalogOf(workspace),
      callerRoles: rolesOf(workspace, by),
      ...context,
    }));
  }

  async channel(workspaceId: string, by: string, command: ChannelInput) {
    const workspace = await this.workspaceState(workspaceId);
    return this.run(
      channelDecider,
      channelStreamId(workspaceId, command.channelId),
      workspaceId,
      by,
      (context) =>
        ({
          ...command,
          ...context,
          callerRoles: rolesOf(workspace, by),
          catalog: catalogOf(workspace),
        }) as ChannelCommand,
    );
  }

  /** A bundle command; a channel scope is taken as the caller sees it (active, no channel role). */
  async bundle(workspaceId: string, by: string, command: BundleInput) {
    const workspace = await this.workspaceState(workspaceId);
    return this.run(
      accessBundleDecider,
      accessBundleStreamId(workspaceId, command.bundleId),
      workspaceId,
      by,
      (context) =>
        ({
          ...command,
          ...context,
          workspaceId,
          callerRoles: rolesOf(workspace, by),
          catalog: catalogOf(workspace),
        }) as AccessBundleCommand,
    );
  }

  async organization(organizationId: string, by: string, command: OrganizationInput) {
    const membership =
      command.type === 'InviteWorkspace' ? await this.membershipState(command.workspaceId) : undefined;
    return this.run(
      organizationDecider,
      organizationStreamId(organizationId),
      organizationEnvelopeId(organizationId),
      by,
      (context) => ({ ...command, membership, ...context }) as OrganizationCommand,
    );
  }

  async organizationBundle(
    organizationId: string,
    by: string,
    command: DistributiveOmit<OrganizationBundleCommand, 'actor' | 'now' | 'organization'>,
  ) {
    const organization = await this.organizationState(organizationId);
    return this.run(
      organizationBundleDecider,
      organizationBundleStreamId(organizationId, command.bundleId),
      organizationEnvelopeId(organizationId),
      by,
      (context) => ({ ...command, organization, ...context }) as OrganizationBundleCommand,
    );
  }

  /** Joins (`organizationId`) or leaves (null) as `by`, with the roles and organization the log holds. */
  async membership(workspaceId: string, by: string, organizationId: string | null) {
    const workspace = await this.workspaceState(workspaceId);
    const current = await this.membershipState(workspaceId);
    const organization = await this.organizationState(organizationId ?? current.organizationId ?? '');
    return this.run(
      organizationMembershipDecider,
      organizationMembershipStreamId(workspaceId),
      workspaceId,
      by,
      (context) =>
        organizationId === null
          ? {
              type: 'LeaveOrganization' as const,
              workspaceId,
              organization,
              callerRoles: rolesOf(workspace, by),
              ...context,
            }
          : {
              type: 'JoinOrganization' as const,
              workspaceId,
              organizationId,
              organization,
              callerRoles: rolesOf(workspace, by),
              ...context,
            },
    );
  }

  async membershipState(workspaceId: string) {
    return (await this.store.readStream(organizationMembershipStreamId(workspaceId))).reduce(
      (state, event) =>
        organizationMembershipDecider.evolve(
          state,
          event as unknown as Parameters<typeof organizationMembershipDecider.evolve>[1],
        ),
      organizationMembershipDecider.initialState(),
    );
  }

  async organizationState(organizationId: string): Promise<OrganizationState> {
    const history = await this.store.readStream(organizationStreamId(organizationId));
    return history.reduce(
      (state, event) =>
        organizationDecider.evolve(
          state,
          event as unknown as Parameters<typeof organizationDecider.evolve>[1],
        ),
      organizationDecider.initialState(),
    );
  }

  grant(workspaceId: string, { requestId, ...grant }: GrantInput) {
    const id = requestId ?? grant.grantId;
    return this.append(workspaceId, `access-request-${id}`, 'AccessGranted', {
      ...grant,
      requestId: id,
      workspaceId,
      grantedAt: this.clock().toISOString(),
      approvers: ['approver'],
      mode: 'approval',
    });
  }

  /** A request for access as the API records it (pending until decided), asked by `by`. */
  requestAccess(workspaceId: string, by: string, command: RequestAccessInput) {
    const streamId = `access-request-${command.requestId}`;
    return this.run(accessRequestDecider, streamId, workspaceId, by, (context) => ({
      type: 'RequestAccess' as const,
      workspaceId,
      callerRoles: ['member' as const],
      policy: defaultApprovalPolicy,
      ...command,
      ...context,
    }));
  }

  extendGrant(workspaceId: string, grantId: string, newExpiresAt: string) {
    return this.append(workspaceId, `access-request-${grantId}`, 'AccessExtended', {
      grantId,
      requestId: grantId,
      round: 1,
      newExpiresAt,
      approvers: ['approver'],
    });
  }

  revokeGrant(workspaceId: string, grantId: string) {
    return this.append(workspaceId, `access-request-${grantId}`, 'AccessRevoked', {
      grantId,
      requestId: grantId,
      revokedBy: 'admin',
      reason: 'no longer needed',
    });
  }

  expireGrant(workspaceId: string, grantId: string, expiresAt: string) {
    return this.append(workspaceId, `access-request-${grantId}`, 'AccessExpired', {
      grantId,
      requestId: grantId,
      expiresAt,
    });
  }

  async workspaceState(workspaceId: string): Promise<WorkspaceState> {
    const history = await this.store.readStream(workspaceStreamId(workspaceId));
    return history.reduce(
      (state, event) =>
        workspaceDecider.evolve(state, event as unknown as Parameters<typeof workspaceDecider.evolve>[1]),
      workspaceDecider.initialState(),
    );
  }

  private async append(workspaceId: string, streamId: string, type: string, data: unknown) {
    const result = await this.store.append(streamId, [this.envelope(workspaceId, system, type, data)], {
      expectedRevision: 'any',
    });
    return { position: result.positions[0] };
  }

  private async run<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    workspaceId: string,
    by: string,
    command: (context: { actor: Actor; now: string }) => Command,
  ) {
    const actor = user(by);
    const result = await handleCommand(
      this.store,
      decider,
      streamId,
      command({ actor, now: this.clock().toISOString() }),
      {
        toEnvelope: (events) =>
          events.map((event) => this.envelope(workspaceId, actor, event.type, event.data)),
      },
    );
    return { position: result.position };
  }

  private envelope(workspaceId: string, actor: Actor, type: string, data: unknown): NewEvent {
    return {
      id: uuidv7(),
      type,
      data,
      occurredAt: this.clock().toISOString(),
      workspaceId,
      actor,
      metadata: { correlationId: uuidv7(), causationId: null },
    };
  }
}

const catalogOf = (workspace: WorkspaceState) =>
  createConnectorCatalog(workspace.status === 'active' ? workspace.connectors : []);
