import { inspect } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { UpstreamLeaseKind, UpstreamLeaseStarter } from '@mandate/credentials';
import {
  type Actor,
  credentialLeaseDecider,
  type CredentialLeaseIssuedData,
  credentialLeaseStreamId,
  type Decision,
  leaseEnd,
  leaseGrant,
} from '@mandate/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@mandate/event-store';
import type { GatewaySession } from '@mandate/gateway';

/** A lease the connector endpoint holds for a session: its token is injected, never handed out. */
export interface HeldLease {
  leaseId: string;
  token: string;
  expiresAtMs: number;
}

/** One connector call that needs an upstream token: who asks, through which connection, for what. */
export interface LeaseCall {
  session: GatewaySession;
  connection: {
    id: string;
    connector: string;
    narrowing?: CredentialLeaseIssuedData['narrowing'];
    /** The access bundle holding the connection's credential (narrowest scope); absent: the baseline. */
    bundleId?: string;
    /** Set when that bundle is the workspace's organization's: the credential is the organization's. */
    organizationId?: string;
  };
  credentialKind: UpstreamLeaseKind;
  action: string;
  resource: string;
  /** The decision that allowed the call: a JIT grant behind it bounds the lease and ends it. */
  decision: Decision;
}

export interface ConnectorLeaseCacheOptions {
  /** The lease workflow's starter (libs/temporal), created on first use: no Temporal, no lease. */
  starter: () => UpstreamLeaseStarter;
  store: EventStore;
  nowMs: () => number;
  /** LEASE_MAX_TTL_SECONDS in ms: as for a lease the API issues. */
  maxTtlMs: number;
}

/** A lease is renewed this long before its end (at most a quarter of its life), so no call carries a dying token. */
const RENEW_BEFORE_MS = 30_000;
const MIN_SWEEP = 64;

/** Events after which a lease's token is no good (revoked by an admin, ended by its workflow). */
const LEASE_ENDS = new Set(['CredentialLeaseRevoked', 'CredentialLeaseEnded']);

/**
 * The upstream tokens the connector endpoint injects: one lease per (session, connection, action,
 * resource), covering exactly that call's action and resource for the session's invoker, minted
 * through the lease workflow (the same path as `POST …/credential-leases`) and recorded as a
 * `CredentialLeaseIssued` by the session's service. It is reused until shortly before its end,
 * and dropped as soon as the log says it was revoked or ended (a revoked grant, a restriction, the
 * sweeper); its workflow revokes it at the upstream. Concurrent calls share one mint. The tokens
 * never leave through `inspect` or `JSON.stringify`.
 */
export class ConnectorLeaseCache {
  private readonly entries = new Map<string, HeldLease>();
  private readonly keyOfLease = new Map<string, string>();
  private readonly minting = new Map<string, Promise<HeldLease>>();
  private sweepAt = MIN_SWEEP;

  constructor(private readonly options: ConnectorLeaseCacheOptions) {}

  async lease(call: LeaseCall): Promise<HeldLease> {
    const { session, connection, action, resource } = call;
    const key = [session.workspaceId, session.sessionId, connection.id, action, resource].join('\u0000');
    const kept = this.entries.get(key);
    if (kept !== undefined && this.fresh(kept)) return kept;
    const running = this.minting.get(key);
    if (running !== undefined) return running;
    const mint = this.mint(call)
      .then((held) => {
        this.keep(key, held);
        return held;
      })
      .finally(() => this.minting.delete(key));
    this.minting.set(key, mint);
    return mint;
  }

  /** Drops the leases the log says are over; fed the events the gateway's projection applies. */
  observe(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (!LEASE_ENDS.has(event.type)) continue;
      const leaseId = (event.data as { leaseId?: unknown }).leaseId;
      const key = typeof leaseId === 'string' ? this.keyOfLease.get(leaseId) : undefined;
      if (key === undefined) continue;
      this.keyOfLease.delete(leaseId as string);
      if (this.entries.get(key)?.leaseId === leaseId) this.entries.delete(key);
    }
  }

  private fresh(held: HeldLease & { issuedAtMs?: number }): boolean {
    const now = this.options.nowMs();
    const life = held.expiresAtMs - (held.issuedAtMs ?? now);
    return held.expiresAtMs - Math.min(RENEW_BEFORE_MS, life / 4) > now;
  }

  private keep(key: string, held: HeldLease): void {
    const previous = this.entries.get(key);
    if (previous !== undefined) this.keyOfLease.delete(previous.leaseId);
    this.entries.set(key, held);
    this.keyOfLease.set(held.leaseId, key);
    if (this.entries.size < this.sweepAt) return;
    // Amortised: ended leases leave at most each time the set doubles, so memory follows live leases.
    const now = this.options.nowMs();
    for (const [candidate, entry] of this.entries) {
      if (entry.expiresAtMs > now) continue;
      this.entries.delete(candidate);
      this.keyOfLease.delete(entry.leaseId);
    }
    this.sweepAt = Math.max(MIN_SWEEP, this.entries.size * 2);
  }

  /**
   * Mints, then records: a token nobody recorded is ended at once (as the API does), so every live
   * upstream token is in the log with what it covers and whom it was for.
   */
  private async mint(call: LeaseCall): Promise<HeldLease & { issuedAtMs: number }> {
    const { session, connection, credentialKind, action, resource, decision } = call;
    const { store, maxTtlMs } = this.options;
    const issuedAtMs = this.options.nowMs();
    const grant = leaseGrant([decision]);
    const leaseId = uuidv7();
    const terms = {
      workspaceId: session.workspaceId,
      leaseId,
      connectionId: connection.id,
      connector: connection.connector,
      credentialKind,
      actions: [action],
      resources: [resource],
      expiresAt: leaseEnd(issuedAtMs, maxTtlMs, grant?.expiresAt),
      grantId: grant?.grantId ?? null,
    };
    // A bundle's connection is found by the worker in that bundle, where it reaches this channel.
    const held =
      connection.bundleId === undefined
        ? {}
        : {
            bundleId: connection.bundleId,
            channelId: session.channelId,
            ...(connection.organizationId === undefined ? {} : { organizationId: connection.organizationId }),
          };
    const starter = this.options.starter();
    const issued = await starter.issue({ ...terms, ...held });
    const service: Actor = { kind: 'service', id: session.openedBy };
    const now = new Date(issuedAtMs).toISOString();
    const lease: CredentialLeaseIssuedData = {
      ...terms,
      idempotencyKey: `gateway:${leaseId}`,
      channelId: session.channelId,
      invokedBy: session.invokedBy,
      requestedBy: service,
      issuedAt: now,
      expiresAt: leaseEnd(issuedAtMs, maxTtlMs, terms.expiresAt, issued.upstreamExpiresAt),
      tokenFingerprint: issued.tokenFingerprint,
      ...(connection.narrowing === undefined ? {} : { narrowing: connection.narrowing }),
    };
    await handleCommand(
      store,
      credentialLeaseDecider,
      credentialLeaseStreamId(session.workspaceId, leaseId),
      { type: 'IssueCredentialLease', lease, actor: service, now },
      {
        toEnvelope: (events) =>
          events.map((event) => ({
            id: uuidv7(),
            type: event.type,
            data: event.data,
            occurredAt: now,
            workspaceId: session.workspaceId,
            actor: service,
            metadata: { correlationId: leaseId, causationId: null },
          })),
      },
    ).catch(async (error: unknown) => {
      await starter.end(session.workspaceId, leaseId, 'not-recorded').catch(() => undefined);
      throw error;
    });
    return { leaseId, token: issued.token, expiresAtMs: Date.parse(lease.expiresAt), issuedAtMs };
  }

  toJSON(): object {
    return { leases: this.entries.size };
  }

  [inspect.custom](): string {
    return `ConnectorLeaseCache { leases: ${this.entries.size} }`;
  }
}
