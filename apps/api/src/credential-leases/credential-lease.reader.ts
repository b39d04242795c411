import { Inject, Injectable } from '@nestjs/common';
import {
  type Connection,
  type CredentialKind,
  credentialLeaseDecider,
  type CredentialLeaseState,
  credentialLeaseStreamId,
  isLeaseActive,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import type { Page } from '@mandate/http';
import { CLOCK, type Clock } from '../clock';
import { foldHistory } from '../core/command-runner';
import { AuditIndexService } from '../audit/audit-index.service';
import { CredentialUseView } from '../credential-use/credential-use.view';
import { EVENT_STORE } from '../event-store/event-store.module';
import type { CredentialLeasesQuery } from './credential-leases.schemas';

export type RecordedLease = { state: Exclude<CredentialLeaseState, { status: 'absent' }>; position: number };

/** A lease as admins and auditors see it: what it covers and why, its fingerprint, never the token. */
export type CredentialLeaseView = RecordedLease['state']['lease'] & {
  /** `active` while usable; `expired` once its end passed (the clock decides, not a late event). */
  status: 'active' | 'expired' | 'revoked' | 'ended';
  revocation: { reason: string } | null;
  end: { reason: string } | null;
  position: number;
};

/** How long a list waits for the audit index to hold what was just written. */
const INDEX_WAIT_MS = 1000;

/** The lease side's reads: one lease's stream, the connections' credential kinds, the list. */
@Injectable()
export class CredentialLeaseReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly auditIndex: AuditIndexService,
    private readonly credentialUse: CredentialUseView,
  ) {}

  async read(workspaceId: string, leaseId: string): Promise<RecordedLease | undefined> {
    const history = await this.store.readStream(credentialLeaseStreamId(workspaceId, leaseId));
    const state = foldHistory(credentialLeaseDecider, history);
    return state.status === 'absent' ? undefined : { state, position: history[0].globalPosition };
  }

  /**
   * The kind of credential each of `connector`'s connections holds (undefined: none, or destroyed),
   * from the credential-use view once it holds `position` (the head the lease was evaluated at):
   * the log as of the decision, without folding each credential's stream on every lease.
   */
  async connectionKinds(
    workspaceId: string,
    connections: readonly Connection[],
    connector: string,
    position: number,
    /** Whose credential each connection's is (an organization's for its bundles); none: no kind. */
    ownerOf: (connection: Connection) => string | undefined = () => workspaceId,
  ): Promise<{ connectionId: string; connector: string; kind: CredentialKind | undefined }[]> {
    await this.credentialUse.requirePosition(position);
    return connections
      .filter((connection) => connection.connector === connector)
      .map((connection) => {
        const owner = ownerOf(connection);
        return {
          connectionId: connection.id,
          connector: connection.connector,
          kind: owner === undefined ? undefined : this.credentialUse.credentialKind(owner, connection.id),
        };
      });
  }

  view({ state, position }: RecordedLease, nowMs = this.clock.now().getTime()): CredentialLeaseView {
    const status =
      state.status === 'issued' ? (isLeaseActive(state, nowMs) ? 'active' : 'expired') : state.status;
    return { ...state.lease, status, revocation: state.revocation, end: state.end, position };
  }

  /**
   * Newest first, from the audit index (which already indexes every event by workspace and type),
   * each lease folded from its own short stream. `after` is the log position of the previous
   * page's last lease; a page filtered by `active` may hold fewer than `limit` and still have a next.
   */
  async list(workspaceId: string, query: CredentialLeasesQuery): Promise<Page<CredentialLeaseView>> {
    await this.auditIndex.waitFor(await this.store.headPosition(), INDEX_WAIT_MS);
    const page = this.auditIndex.index.query({
      workspaceId,
      filter: { type: 'CredentialLeaseIssued' },
      order: 'newest',
      after: query.after === undefined ? undefined : Number(query.after),
      limit: query.limit,
    });
    const nowMs = this.clock.now().getTime();
    const leases = await Promise.all(
      page.events.map((event) => this.read(workspaceId, (event.data as { leaseId: string }).leaseId)),
    );
    const items = leases
      .filter((lease): lease is RecordedLease => lease !== undefined)
      .map((lease) => this.view(lease, nowMs))
      .filter((view) => query.active === undefined || (view.status === 'active') === query.active);
    return page.more && page.next !== null ? { items, next: String(page.next) } : { items };
  }

  /**
   * The workspace's leases active at `nowMs`, newest first, read back until the leases issued
   * before `issuedSinceMs` (none older can still be active: no lease outlives the maximum TTL).
   */
  async activeLeases(workspaceId: string, nowMs: number, issuedSinceMs: number): Promise<RecordedLease[]> {
    const active: RecordedLease[] = [];
    for (let after: number | undefined; ;) {
      const page = this.auditIndex.index.query({
        workspaceId,
        filter: { type: 'CredentialLeaseIssued' },
        order: 'newest',
        after,
        limit: 100,
      });
      for (const event of page.events) {
        const { leaseId, issuedAt } = event.data as { leaseId: string; issuedAt: string };
        if (Date.parse(issuedAt) < issuedSinceMs) return active;
        const lease = await this.read(workspaceId, leaseId);
        if (lease !== undefined && isLeaseActive(lease.state, nowMs)) active.push(lease);
      }
      if (!page.more || page.next === null) return active;
      after = page.next;
    }
  }
}
