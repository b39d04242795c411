import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { AppConfig } from '@mandate/config';
import { isUpstreamLeaseKind, UPSTREAM_LEASE_STARTER, type UpstreamLeaseStarter } from '@mandate/credentials';
import {
  type Actor,
  credentialLeaseDecider,
  credentialLeaseStreamId,
  leaseStanding,
  organizationOfEnvelope,
} from '@mandate/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { AuditIndexService } from '../audit/audit-index.service';
import { ProjectionService } from '../core/projection.service';
import { EVENT_STORE } from '../event-store/event-store.module';
import { InvokerRightsResolver } from '../overlays/invoker-rights.resolver';
import { CredentialLeaseReader, type RecordedLease } from './credential-lease.reader';
import {
  type DestroyedCredential,
  DestroyedCredentials,
  LEASE_CREDENTIAL_DESTROYED,
} from './destroyed-credentials';

/** How often the log is looked at for changes that may take a lease's permission away. */
const SWEEP_INTERVAL_MS = 500;
/** Events read per look; the rest wait for the next one. */
const READ_BATCH = 1000;
export const LEASE_NO_LONGER_ALLOWED = 'no-longer-allowed';
const SWEEPER: Actor = { kind: 'system', id: 'lease-allowance-sweeper' };

/**
 * Events that record what happened and never take a permission away: the hot path's own records
 * (agent actions, memory updates, egress refusals, gateway sessions), leases, and requests not granted. They do not
 * mark their workspace, so a busy workspace is not evaluated again on every look. Anything not
 * listed marks it: an event type added later costs a sweep, never a missed end.
 */
const RECORDS_ONLY = new Set([
  'AgentActionAuthorized',
  'AgentActionCompleted',
  'AgentActionFailed',
  'AgentActionDenied',
  'EgressDenied',
  'MemoryUpdateRecorded',
  'MemoryUpdateDenied',
  'GatewaySessionOpened',
  'CredentialLeaseIssued',
  'CredentialLeaseRevoked',
  'CredentialLeaseEnded',
  'CredentialRevocationFailed',
  'AccessRequested',
  'AccessApprovalRecorded',
  'AccessExtensionRequested',
  'AccessExtensionDenied',
  'AccessRequestCancelled',
  'AccessRequestTimedOut',
  'AccessDenied',
]);

/** A credential's destruction (its tenant is the workspace or `organization:<id>` that owned it). */
function destroyedBy(event: RecordedEvent): DestroyedCredential | undefined {
  if (event.type !== 'CredentialDestroyed') return undefined;
  const { connectionId } = event.data as { connectionId: string };
  return { owner: event.workspaceId, connectionId, position: event.globalPosition, at: event.occurredAt };
}

/**
 * Ends the leases the effective permissions no longer allow, and those minted from a credential
 * destroyed since (`credential-destroyed`). Any event of a workspace but a mere
 * record (below) may take something away (a JIT grant revoked, a connection removed, a restriction or
 * a forbid, an invoker no longer admitted, the workspace suspended): the workspace is marked, and
 * its active leases are evaluated again (`leaseStanding`, as introspection evaluates them, with the
 * invoker rights each stands on as recorded) once the
 * projection holds the event. A lease no longer allowed, or whose connection's narrowing changed,
 * ends: a `mandate-jwt` with `CredentialLeaseEnded {no-longer-allowed}` (introspection already
 * answered inactive), an upstream lease through its starter, whose workflow revokes the token and
 * records the end. An upstream lease derived from a JIT grant that ended is left to the grant's
 * workflow, the one path that ends those (`grant-revoked`, `grant-expired`): one way to end each.
 *
 * At boot it starts from the first event recorded within LEASE_MAX_TTL_SECONDS, not from the head:
 * every lease still alive was issued in that window, and was evaluated when it was issued, so a
 * change that took its permission away is in the window too, even one recorded while no API ran
 * (another node, the CLI, a restore). Reading that window costs a bounded look per interval.
 */
@Injectable()
export class LeaseAllowanceSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private position = 0;
  private readonly dirty = new Map<string, number>();
  private readonly destroyed = new DestroyedCredentials();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionService,
    private readonly leases: CredentialLeaseReader,
    private readonly auditIndex: AuditIndexService,
    @Inject(UPSTREAM_LEASE_STARTER) private readonly upstream: UpstreamLeaseStarter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly invokerRights: InvokerRightsResolver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.position = await this.firstPositionToSweep();
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.logger.error({ err: error }, 'lease allowance sweep failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * The position before the first event recorded within the longest lease's lifetime. The audit
   * index answers it; an index behind the log answers its own head + 1, which only reads more.
   */
  private async firstPositionToSweep(): Promise<number> {
    const head = await this.store.headPosition();
    const since = new Date(
      this.clock.now().getTime() - this.config.LEASE_MAX_TTL_SECONDS * 1000,
    ).toISOString();
    return Math.min(head, this.auditIndex.index.firstPositionRecordedAtOrAfter(since) - 1);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One look: the new events mark their workspaces; each marked workspace's leases are evaluated. */
  async sweep(): Promise<void> {
    const events = await this.store.readAll({ fromPosition: this.position + 1, limit: READ_BATCH });
    for (const event of events) {
      if (!RECORDS_ONLY.has(event.type) && event.workspaceId) {
        const destroyed = destroyedBy(event);
        for (const workspaceId of this.reachedBy(event.workspaceId)) {
          this.dirty.set(workspaceId, event.globalPosition);
          if (destroyed !== undefined) this.destroyed.add(workspaceId, destroyed);
        }
      }
    }
    if (events.length > 0) this.position = events[events.length - 1].globalPosition;
    for (const [workspaceId, position] of [...this.dirty]) {
      if (!(await this.projections.runner.waitForPosition(position, SWEEP_INTERVAL_MS))) return;
      if (await this.sweepWorkspace(workspaceId)) {
        this.dirty.delete(workspaceId);
        this.destroyed.forget(workspaceId);
      }
    }
  }

  /**
   * The workspaces an event's tenant reaches: its own, or for an organization's event (a bundle
   * detached or changed, its credential destroyed) every member now; one that left was marked by
   * its leaving.
   */
  private reachedBy(tenant: string): Iterable<string> {
    const organizationId = organizationOfEnvelope(tenant);
    return organizationId === undefined
      ? [tenant]
      : this.projections.projection.organizationMembers(organizationId);
  }

  /** Ends the workspace's leases no longer allowed; false when one could not be ended (retried). */
  private async sweepWorkspace(workspaceId: string): Promise<boolean> {
    const nowMs = this.clock.now().getTime();
    const active = await this.leases.activeLeases(
      workspaceId,
      nowMs,
      nowMs - this.config.LEASE_MAX_TTL_SECONDS * 1000,
    );
    if (active.length === 0) return true;
    const permissions = this.projections.projection.workspace(workspaceId);
    let done = true;
    for (const lease of active) {
      // A lease from a destroyed credential ends whatever allows it still, a grant's included.
      const reason = this.destroyed.mintedFromDestroyed(workspaceId, lease, permissions)
        ? LEASE_CREDENTIAL_DESTROYED
        : leaseStanding(permissions?.compiled, await this.standing(lease, nowMs), nowMs) ===
            'no-longer-allowed'
          ? LEASE_NO_LONGER_ALLOWED
          : undefined;
      if (reason !== undefined) done = (await this.end(lease, reason)) && done;
    }
    return done;
  }

  /** The lease with the invoker rights it stands on, as recorded (for `invokerCan` overlays). */
  private async standing({ state: { lease } }: RecordedLease, nowMs: number) {
    const compiled = this.projections.projection.workspace(lease.workspaceId)?.compiled;
    return compiled === undefined
      ? lease
      : this.invokerRights.forStanding(lease.workspaceId, compiled, lease, nowMs);
  }

  private async end({ state: { lease } }: RecordedLease, reason: string): Promise<boolean> {
    const { workspaceId, leaseId } = lease;
    try {
      if (isUpstreamLeaseKind(lease.credentialKind)) {
        await this.upstream.end(workspaceId, leaseId, reason);
      } else {
        await this.recordEnd(workspaceId, leaseId, reason);
      }
      this.logger.info({ workspaceId, leaseId, reason }, 'ended a lease');
      return true;
    } catch (error) {
      this.logger.warn({ err: error, workspaceId, leaseId, reason }, 'ending a lease failed');
      return false;
    }
  }

  private async recordEnd(workspaceId: string, leaseId: string, reason: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await handleCommand(
      this.store,
      credentialLeaseDecider,
      credentialLeaseStreamId(workspaceId, leaseId),
      {
        type: 'EndCredentialLease',
        workspaceId,
        leaseId,
        reason,
        actor: SWEEPER,
        now,
      },
      {
        retryOnConflict: 3,
        toEnvelope: (events) =>
          events.map((event) => ({
            id: uuidv7(),
            type: event.type,
            data: event.data,
            occurredAt: now,
            workspaceId,
            actor: SWEEPER,
            metadata: { correlationId: leaseId, causationId: null },
          })),
      },
    );
  }
}
