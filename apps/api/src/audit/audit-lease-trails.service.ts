import { Inject, Injectable } from '@nestjs/common';
import type { AccessQuestion } from '@mandate/audit';
import {
  credentialLeaseDecider,
  type CredentialLeaseIssuedData,
  type CredentialLeaseState,
  credentialLeaseStreamId,
  isLeaseActive,
  leaseTerms,
} from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { foldHistory } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import { EVENT_STORE } from '../event-store/event-store.module';
import { AuditAccessService, type GrantTrail } from './audit-access.service';
import { AuditIndexService } from './audit-index.service';

/**
 * A credential lease and who stands behind it: the person who invoked the agent, the service that
 * asked, and — when a JIT grant was the reason — the grant with its requester and approvers. Never
 * a token: the fingerprint alone, as recorded.
 */
export interface LeaseTrail {
  lease: CredentialLeaseIssuedData;
  /** As of the position the trail was read at: `issued` (active or past its end), `revoked`, `ended`. */
  status: 'issued' | 'revoked' | 'ended';
  reason: string | null;
  grant: GrantTrail | null;
}

/** Lease events (`CredentialLeaseIssued`, `…Revoked`, `…Ended`, `CredentialRevocationFailed`) name their lease. */
export function leaseIdOf(event: RecordedEvent): string | undefined {
  if (!event.type.startsWith('CredentialLease') && event.type !== 'CredentialRevocationFailed')
    return undefined;
  const leaseId = (event.data as { leaseId?: unknown } | null)?.leaseId;
  return typeof leaseId === 'string' ? leaseId : undefined;
}

/** The attribution of credential leases, for the audit endpoints. */
@Injectable()
export class AuditLeaseTrails {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly audit: AuditIndexService,
    private readonly access: AuditAccessService,
    private readonly projections: ProjectionService,
  ) {}

  /** The lease as of log position `position` (its own stream folded up to it), with its grant's trail. */
  async trail(workspaceId: string, leaseId: string, position: number): Promise<LeaseTrail | undefined> {
    const state = await this.leaseAt(workspaceId, leaseId, position);
    return state.status === 'absent' ? undefined : this.trailOf(workspaceId, state, position);
  }

  private async leaseAt(
    workspaceId: string,
    leaseId: string,
    position: number,
  ): Promise<CredentialLeaseState> {
    const history = await this.store.readStream(credentialLeaseStreamId(workspaceId, leaseId));
    return foldHistory(
      credentialLeaseDecider,
      history.filter((event) => event.globalPosition <= position),
    );
  }

  private trailOf(
    workspaceId: string,
    state: Exclude<CredentialLeaseState, { status: 'absent' }>,
    position: number,
  ): LeaseTrail {
    const { lease } = state;
    return {
      lease,
      status: state.status,
      reason: state.end?.reason ?? state.revocation?.reason ?? null,
      grant: lease.grantId === null ? null : this.access.grantTrail(workspaceId, lease.grantId, position),
    };
  }

  /** The trails of the leases named by `events`, each as of its newest event there. */
  async trailsOf(workspaceId: string, events: readonly RecordedEvent[]): Promise<Record<string, LeaseTrail>> {
    const newest = new Map<string, number>();
    for (const event of events) {
      const leaseId = leaseIdOf(event);
      if (leaseId !== undefined) {
        newest.set(leaseId, Math.max(newest.get(leaseId) ?? 0, event.globalPosition));
      }
    }
    const trails = await Promise.all(
      [...newest].map(
        async ([leaseId, at]) => [leaseId, await this.trail(workspaceId, leaseId, at)] as const,
      ),
    );
    // fromEntries defines own properties, so any lease id stays a key.
    return Object.fromEntries(
      trails.filter((entry): entry is [string, LeaseTrail] => entry[1] !== undefined),
    );
  }

  /**
   * The leases active at `nowMs` (as of `position`) that cover the question: the credentials that
   * were out for exactly that action on that resource, with who stands behind each.
   */
  async activeCovering(
    workspaceId: string,
    question: AccessQuestion,
    nowMs: number,
    position: number,
    maxTtlMs: number,
  ): Promise<LeaseTrail[]> {
    // Leases record canonical names (`Acme/API.git` is `acme/api`): the question is asked in them too.
    const compiled = this.projections.projection.anyWorkspace(workspaceId)?.compiled;
    const request = {
      connector: question.connector,
      actions: [question.action],
      resources: [question.resource],
    };
    const [resource] = compiled === undefined ? request.resources : leaseTerms(compiled, request).resources;
    const { events } = this.audit.index.query({
      workspaceId,
      filter: { type: 'CredentialLeaseIssued', connector: question.connector, resource },
      order: 'newest',
      after: position + 1,
      limit: 1000,
    });
    const covering: LeaseTrail[] = [];
    for (const event of events) {
      const data = event.data as CredentialLeaseIssuedData;
      if (Date.parse(data.issuedAt) < nowMs - maxTtlMs) break;
      if (!data.actions.includes(question.action) || !data.resources.includes(resource)) continue;
      if (Date.parse(data.issuedAt) > nowMs) continue;
      const state = await this.leaseAt(workspaceId, data.leaseId, position);
      if (state.status !== 'absent' && isLeaseActive(state, nowMs)) {
        covering.push(this.trailOf(workspaceId, state, position));
      }
    }
    return covering;
  }
}
