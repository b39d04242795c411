import { hostname } from 'node:os';
import { WrongExpectedVersionError } from '@eventstore/db-client';
import { abortableDelay, firstFailureReporter, type Leadership } from '../leadership/leadership.port';
import { LeaderLease, type EventStoreDbLeaseClient, type LeaseState } from './eventstoredb-leader-lease';

export interface EventStoreDbLeadershipOptions {
  /** Opens the client one role's campaign uses; disposed once that campaign ends. */
  connect(): EventStoreDbLeaseClient & { dispose(): Promise<void> };
  /** Names this process in the lease records (default: host, pid and a random suffix). */
  node?: string;
  /** How long a renewal holds the role (default 10 s). */
  leaseMs?: number;
  /** How often the leader renews (default a quarter of the lease). */
  renewMs?: number;
  /**
   * Safety margin: the leader stops this long before its lease runs out by its own clock, and a
   * follower waits this long past it by its own (default a fifth of the lease).
   */
  marginMs?: number;
  /** How often a follower reads the lease (default `renewMs`). */
  retryMs?: number;
  onWorkFailed?(role: string, error: unknown): void;
  /** A campaign could not read or write the lease (first failure of a run of them; see firstFailureReporter). */
  onCampaignFailed?(role: string, error: unknown): void;
}

/** A role this process leads: until `leading` aborts or its clock passes `validUntil`. */
interface Term {
  leading: AbortSignal;
  validUntil: number;
}

/**
 * Leadership by a lease held in an EventStoreDB stream per role (`mandate-leader-<role>`, see
 * `LeaderLease`). A node takes the role by appending a record with the revision it read as the
 * expected one, and keeps it by appending renewals the same way: the server's optimistic
 * concurrency lets one of two racing nodes through, so two nodes never extend the same revision.
 *
 * Fencing is by time, measured on each node's own monotonic clock (never one node's timestamp read
 * by another): the leader leads while its last acknowledged renewal was *sent* less than
 * `leaseMs - marginMs` ago, and aborts the work's signal the moment a renewal fails or that time
 * passes. A follower takes the role when the lease's revision has not moved for `leaseMs +
 * marginMs` since it first read it, or at once when the leader released it (on a clean stop).
 * So the two agree as long as their clocks run at about the same rate; the short overlap a paused
 * process could still cause is discussed in docs/deployment.md.
 */
export class EventStoreDbLeadership implements Leadership {
  private readonly terms = new Map<string, Term>();
  private readonly node: string;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly marginMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: EventStoreDbLeadershipOptions) {
    this.node = options.node ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.renewMs = options.renewMs ?? this.leaseMs / 4;
    this.marginMs = options.marginMs ?? this.leaseMs / 5;
    this.retryMs = options.retryMs ?? this.renewMs;
    if (!(this.marginMs > 0 && this.renewMs > 0 && this.renewMs < this.leaseMs - this.marginMs)) {
      throw new RangeError('EventStoreDB leadership needs 0 < renewMs < leaseMs - marginMs and marginMs > 0');
    }
  }

  leads(role: string): boolean {
    const term = this.terms.get(role);
    return term !== undefined && !term.leading.aborted && now() < term.validUntil;
  }

  async whileLeader(
    role: string,
    work: (leading: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const client = this.options.connect();
    const lease = new LeaderLease(client, role);
    const seen = { revision: undefined as bigint | undefined, since: now() };
    const campaigns = firstFailureReporter((error) => this.options.onCampaignFailed?.(role, error));
    try {
      while (!signal.aborted) {
        const taken = await this.campaign(lease, seen).then(
          (outcome) => {
            campaigns.succeeded();
            return outcome;
          },
          (error: unknown) => void campaigns.failed(error),
        );
        if (taken && !signal.aborted) await this.lead(role, lease, taken, work, signal);
        await abortableDelay(this.retryMs, signal);
      }
    } finally {
      await client.dispose().catch(() => undefined);
    }
  }

  /**
   * Takes the role when the lease is free: none yet, released, this node's own, or not renewed for
   * `leaseMs + marginMs` since this node saw its revision. Undefined when another node holds it or
   * won the race to take it.
   */
  private async campaign(
    lease: LeaderLease,
    seen: { revision: bigint | undefined; since: number },
  ): Promise<{ revision: bigint; term: number; sentAt: number } | undefined> {
    const current = await lease.read();
    if (current && current.revision !== seen.revision)
      Object.assign(seen, { revision: current.revision, since: now() });
    if (current && !this.isFree(current, now() - seen.since)) return undefined;
    const term = (current?.term ?? 0) + 1;
    const sentAt = now();
    try {
      const body = { node: this.node, term, leaseMs: this.leaseMs };
      const revision = await lease.write('LeaderLeaseTaken', body, current?.revision, this.leaseMs);
      return { revision, term, sentAt };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
  }

  private isFree(current: LeaseState, unchangedForMs: number): boolean {
    if (current.released || current.node === this.node) return true;
    // The longer of its lease and ours: a node configured with a longer lease is not cut short.
    return unchangedForMs >= Math.max(current.leaseMs, this.leaseMs) + this.marginMs;
  }

  /** Runs the work while renewals keep the lease, then releases it (unless another node took it). */
  private async lead(
    role: string,
    lease: LeaderLease,
    taken: { revision: bigint; term: number; sentAt: number },
    work: (leading: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const lost = new AbortController();
    const term: Term = { leading: AbortSignal.any([signal, lost.signal]), validUntil: 0 };
    let expiry: NodeJS.Timeout | undefined;
    const extend = (sentAt: number) => {
      term.validUntil = sentAt + this.leaseMs - this.marginMs;
      clearTimeout(expiry);
      expiry = setTimeout(() => lost.abort(), Math.max(0, term.validUntil - now()));
    };
    extend(taken.sentAt);
    const body = { node: this.node, term: taken.term, leaseMs: this.leaseMs };
    let revision = taken.revision;
    const renewing = (async () => {
      while (!term.leading.aborted) {
        await abortableDelay(this.renewMs, term.leading);
        if (term.leading.aborted) return;
        const sentAt = now();
        try {
          revision = await lease.write('LeaderLeaseRenewed', body, revision, this.leaseMs - this.marginMs);
          if (!term.leading.aborted) extend(sentAt);
        } catch {
          // Refused (another node took the lease) or failed: either way this node cannot be sure.
          lost.abort();
        }
      }
    })();
    this.terms.set(role, term);
    try {
      await work(term.leading);
    } catch (error) {
      if (!term.leading.aborted) this.options.onWorkFailed?.(role, error);
    } finally {
      this.terms.delete(role);
      lost.abort();
      clearTimeout(expiry);
      // A renewal in flight may still move the revision; a hung one must not hold up a shutdown.
      await settledWithin(renewing, this.marginMs);
      // The work has returned: the role may pass on now, not when the lease runs out.
      await lease.write('LeaderLeaseReleased', body, revision, this.leaseMs).catch(() => undefined);
    }
  }
}

const now = () => performance.now();

/** Resolves once `promise` has settled or `ms` have passed, whichever comes first; never rejects. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
