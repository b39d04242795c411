import { Inject, Injectable } from '@nestjs/common';
import { LEASE_TTL_CEILING_SECONDS } from '@mandate/config';
import {
  credentialLeaseDecider,
  type CredentialLeaseIssuedData,
  credentialLeaseStreamId,
  isLeaseActive,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import type { LiveLease } from '@mandate/projections';
import { AuditIndexService } from '../audit/audit-index.service';
import { foldHistory } from '../core/command-runner';
import { EVENT_STORE } from '../event-store/event-store.tokens';

/** How long a read waits for the audit index to hold what the log holds (as the lease list does). */
const INDEX_WAIT_MS = 1000;
const PAGE = 1000;

/**
 * The leases live in a channel at a past instant, from the log: every lease issued in the channel
 * at or before the instant and within the longest lease's lifetime before it (the audit index
 * finds them by channel and type), each lease's own stream folded up to the instant, kept when it
 * was active then (issued, neither revoked nor ended by then, before its end). Instants are the
 * events' recorded times, as for the permissions the same answer replays.
 */
@Injectable()
export class PastLeasesReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly auditIndex: AuditIndexService,
  ) {}

  /** Newest first, as the present's answer. */
  async liveAt(workspaceId: string, channelId: string, atMs: number): Promise<LiveLease[]> {
    await this.auditIndex.waitFor(await this.store.headPosition(), INDEX_WAIT_MS);
    const filter = {
      type: 'CredentialLeaseIssued',
      channel: channelId,
      from: new Date(atMs - LEASE_TTL_CEILING_SECONDS * 1000).toISOString(),
      to: new Date(atMs + 1).toISOString(),
    };
    const live: LiveLease[] = [];
    for (let after: number | undefined; ;) {
      const page = this.auditIndex.index.query({ workspaceId, filter, order: 'newest', after, limit: PAGE });
      for (const event of page.events) {
        const lease = event.data as CredentialLeaseIssuedData;
        // Past its end at the instant: no need to read what became of it.
        if (lease.channelId !== channelId || atMs >= Date.parse(lease.expiresAt)) continue;
        if (await this.activeAt(workspaceId, lease.leaseId, atMs)) live.push(liveLease(lease));
      }
      if (!page.more || page.next === null) return live;
      after = page.next;
    }
  }

  private async activeAt(workspaceId: string, leaseId: string, atMs: number): Promise<boolean> {
    const history = await this.store.readStream(credentialLeaseStreamId(workspaceId, leaseId));
    const until = history.filter((event) => Date.parse(event.occurredAt) <= atMs);
    return isLeaseActive(foldHistory(credentialLeaseDecider, until), atMs);
  }
}

const liveLease = ({
  leaseId,
  channelId,
  connectionId,
  connector,
  actions,
  resources,
  invokedBy,
  grantId,
  issuedAt,
  expiresAt,
}: CredentialLeaseIssuedData): LiveLease => ({
  leaseId,
  channelId,
  connectionId,
  connector,
  actions,
  resources,
  invokedBy,
  grantId,
  issuedAt,
  expiresAt,
});
