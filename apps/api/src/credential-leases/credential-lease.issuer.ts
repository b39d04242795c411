import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { isUpstreamLeaseKind } from '@mandate/credentials';
import {
  type CredentialLeaseCommand,
  credentialLeaseDecider,
  type CredentialLeaseIssuedData,
  type CredentialLeaseState,
  credentialConnections,
  credentialLeaseStreamId,
  DomainError,
  evaluateLease,
  isLeaseActive,
  type LeasableCredentialKind,
  leaseEnd,
  leaseGrant,
  leaseTerms,
  pickLeaseConnection,
  scopeRankOf,
} from '@mandate/domain';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { CommandRunner } from '../core/command-runner';
import { locateIssues } from '../core/refusal-location';
import { ProjectionService } from '../core/projection.service';
import { InvokerRightsResolver } from '../overlays/invoker-rights.resolver';
import { CredentialLeaseReader } from './credential-lease.reader';
import { answerOf, type IssuedLease, leaseDenied } from './issued-lease';
import { leaseCredentialHolder } from './lease-credential-holder';
import { LeaseTokenMinter } from './lease-token.minter';
import type { IssueCredentialLeaseBody } from './credential-leases.schemas';

/** Namespace of lease ids: (workspace, key) names the same lease on every retry and every replica. */
const LEASE_ID_NAMESPACE = '8d5e2c1a-6b3f-4e9d-a7c2-1f0b9e8d7c6a';

/**
 * Issues a credential lease: the request is evaluated as the agent actions it enables, the
 * connection that allows it is picked, a token is minted (signed here for `mandate-jwt`, by the
 * upstream starter otherwise) and the lease is recorded with the token's fingerprint. The lease id
 * comes from the idempotency key, so a retry (or a concurrent duplicate) lands on the recorded
 * lease and gets its token again instead of a second mint: an upstream lease's stream is read
 * before minting; a `mandate-jwt`'s decider records nothing for a key it holds, and the recorded
 * lease is answered (re-signed from its own claims), as before, only while it is still allowed.
 */
@Injectable()
export class CredentialLeaseIssuer {
  /** Concurrent duplicates in this process share one issuance; other processes meet in the stream. */
  private readonly inFlight = new Map<string, Promise<{ lease: IssuedLease; replayed: boolean }>>();

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
    private readonly leases: CredentialLeaseReader,
    private readonly tokens: LeaseTokenMinter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly invokerRights: InvokerRightsResolver,
  ) {}

  issue(
    principal: Principal,
    workspaceId: string,
    body: IssueCredentialLeaseBody,
  ): Promise<{ lease: IssuedLease; replayed: boolean }> {
    const key = JSON.stringify([workspaceId, principal.kind, principal.id, body]);
    const running = this.inFlight.get(key);
    if (running !== undefined) return running.then(({ lease }) => ({ lease, replayed: true }));
    const issuing = this.issueOnce(principal, workspaceId, body).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, issuing);
    return issuing;
  }

  private async issueOnce(principal: Principal, workspaceId: string, body: IssueCredentialLeaseBody) {
    const leaseId = uuidv5(`${workspaceId}/${body.idempotencyKey}`, LEASE_ID_NAMESPACE);
    const streamId = credentialLeaseStreamId(workspaceId, leaseId);
    const at = this.clock.now();
    const { permissions, head } = await this.workspaceAtHead(workspaceId);
    const request = await this.invokerRights.forLease(workspaceId, permissions.compiled, body);
    const evaluation = evaluateLease(permissions.compiled, request, at.getTime());
    if (!evaluation.allowed) throw leaseDenied(evaluation);
    const grant = leaseGrant(evaluation.decisions);
    // The baseline's and the channel's bundles' connections, narrowest scope first.
    const held = credentialConnections(
      permissions.compiled.effectiveIdentity(body.channelId)?.connections ?? [],
    );
    const rankOf = new Map(held.map((connection) => [connection.id, scopeRankOf(connection)]));
    const holderOf = (id: string) => {
      const connection = held.find((candidate) => candidate.id === id);
      const { organizationId } = permissions.membership;
      return connection && leaseCredentialHolder(workspaceId, organizationId, body.channelId, connection);
    };
    const candidates = await this.leases.connectionKinds(
      workspaceId,
      held,
      body.connector,
      head,
      ({ id }) => holderOf(id)?.owner,
    );
    const connectionId = pickLeaseConnection(
      body.connector,
      evaluation.decisions,
      candidates.map(({ connectionId, connector, kind }) => ({
        connectionId,
        connector,
        leasable: kind !== undefined && kind !== 'static',
        rank: rankOf.get(connectionId),
      })),
    );
    const credentialKind = candidates.find((candidate) => candidate.connectionId === connectionId)
      ?.kind as LeasableCredentialKind;
    // An upstream token costs a mint: a retry of a recorded lease is answered before one. A
    // `mandate-jwt` is only a signature, so its retry meets the recorded lease in its stream below.
    if (isUpstreamLeaseKind(credentialKind)) {
      const prior = await this.leases.read(workspaceId, leaseId);
      if (prior !== undefined) return { lease: await this.replay(prior, principal, body), replayed: true };
    }
    const maxTtlMs = this.config.LEASE_MAX_TTL_SECONDS * 1000;
    const terms = {
      workspaceId,
      leaseId,
      idempotencyKey: body.idempotencyKey,
      channelId: body.channelId,
      connector: body.connector,
      connectionId,
      credentialKind,
      actions: evaluation.actions,
      resources: evaluation.resources,
      invokedBy: body.invokedBy,
      requestedBy: { kind: principal.kind, id: principal.id },
      grantId: grant?.grantId ?? null,
      issuedAt: at.toISOString(),
      expiresAt: leaseEnd(at.getTime(), maxTtlMs, grant?.expiresAt),
    };
    // Recorded beside the terms (not in the signed mint request: the worker reads it from the log);
    // a `mandate-jwt` carries it as a claim.
    const narrowing = held.find((connection) => connection.id === connectionId)?.narrowing;
    const minted = await this.tokens.mint(terms, narrowing, maxTtlMs, holderOf(connectionId)?.claims ?? {});
    const { token } = minted;
    const lease = narrowing === undefined ? minted.lease : { ...minted.lease, narrowing };
    const outcome = await this.commands
      .run(
        credentialLeaseDecider,
        streamId,
        (context): CredentialLeaseCommand => ({ type: 'IssueCredentialLease', lease, ...context }),
        { workspaceId, principal, at },
      )
      .catch(async (error: unknown) => {
        // Nothing recorded: an upstream token nobody can account for is ended at once.
        if (isUpstreamLeaseKind(credentialKind)) await this.tokens.endUnrecorded(workspaceId, leaseId);
        throw error;
      });
    if (outcome.events.length === 0) {
      // The key's lease was recorded before (a retry, a concurrent duplicate): answer with that one.
      const recorded = await this.leases.read(workspaceId, leaseId);
      if (recorded === undefined) throw new Error(`lease ${leaseId} vanished after it was recorded`);
      return { lease: await this.replay(recorded, principal, body), replayed: true };
    }
    return { lease: answerOf(lease, token, outcome.position), replayed: false };
  }

  /**
   * The recorded lease's token again, for the same request by the same service only (the decider
   * refuses a reused key), and only while the lease lives.
   */
  private async replay(
    recorded: { state: Exclude<CredentialLeaseState, { status: 'absent' }>; position: number },
    principal: Principal,
    body: IssueCredentialLeaseBody,
  ): Promise<IssuedLease> {
    const { state, position } = recorded;
    const { lease } = state;
    const { compiled } = await this.currentWorkspace(lease.workspaceId);
    const { actions, resources } = leaseTerms(compiled, body);
    const asked: CredentialLeaseIssuedData = {
      ...lease,
      channelId: body.channelId,
      connector: body.connector,
      actions,
      resources,
      invokedBy: body.invokedBy,
      requestedBy: { kind: principal.kind, id: principal.id },
    };
    const now = this.clock.now();
    try {
      credentialLeaseDecider.decide(
        { type: 'IssueCredentialLease', lease: asked, actor: asked.requestedBy, now: now.toISOString() },
        state,
      );
    } catch (error) {
      throw locateIssues(error, 'body');
    }
    // A retry is answered only while what the lease covers is still allowed: a token is never
    // handed out again for what a restriction, a forbid or a revoked grant took away since. Asked
    // first, so the refusal names why, whether or not the lease has already been ended for it.
    const evaluation = evaluateLease(compiled, lease, now.getTime());
    if (!evaluation.allowed) throw leaseDenied(evaluation);
    if (!isLeaseActive(state, now.getTime())) {
      throw new DomainError(
        'conflict',
        'credential-lease-ended',
        'The lease of this idempotency key has ended; ask again with a new key',
        [],
        { leaseId: lease.leaseId, status: state.status, expiresAt: lease.expiresAt },
      );
    }
    return answerOf(lease, await this.tokens.again(lease), position);
  }

  private async currentWorkspace(workspaceId: string) {
    return (await this.workspaceAtHead(workspaceId)).permissions;
  }

  /** The workspace's permissions once the projection holds the log's head, and that head. */
  private async workspaceAtHead(workspaceId: string) {
    const head = await this.projections.requireHead();
    const permissions = this.projections.projection.workspace(workspaceId);
    if (permissions === undefined || !permissions.exists) {
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    }
    return { permissions, head };
  }
}
