import { jsonEvent, NO_STREAM } from '@eventstore/db-client';
import {
  BoundedStreams,
  type EventStoreDbStateStreamClient,
  newestEventOf,
  stateStreamOf,
} from './eventstoredb-state-stream';

/** The client calls a leader lease makes; the fake server provides them in unit tests. */
export type EventStoreDbLeaseClient = EventStoreDbStateStreamClient;

/** Apart from the log's streams (`<namespace>:…`, `<namespace>-chain`), so a reader of the log never meets a lease. */
export const LEADER_STREAM_PREFIX = 'mandate-leader-';

export type LeaseEventType = 'LeaderLeaseTaken' | 'LeaderLeaseRenewed' | 'LeaderLeaseReleased';

/** What one lease record says: who holds the role, in which term, for how long after each renewal. */
export interface LeaseBody {
  node: string;
  /** Counts the leaderships of the role: each node that takes it starts the next term. */
  term: number;
  leaseMs: number;
}

/** The newest record of a role's lease stream and the revision a write must expect to follow it. */
export interface LeaseState extends LeaseBody {
  revision: bigint;
  released: boolean;
}

/**
 * One role's lease: the stream `mandate-leader-<role>`, whose newest event says who leads. Every
 * write expects the revision its writer last read or wrote, so the server lets exactly one of two
 * nodes racing from the same record through (the compare-and-set the leadership rests on).
 */
export class LeaderLease {
  readonly stream: string;
  private readonly bounded: BoundedStreams;

  constructor(
    private readonly client: EventStoreDbLeaseClient,
    role: string,
  ) {
    this.stream = stateStreamOf(LEADER_STREAM_PREFIX, 'Role', role);
    this.bounded = new BoundedStreams(client);
  }

  /** The newest record, read from the cluster's leader (a follower's copy may lag); undefined when none. */
  async read(): Promise<LeaseState | undefined> {
    const newest = await newestEventOf(this.client, this.stream, { requiresLeader: true });
    if (newest === undefined) return undefined;
    const body = newest.data as Partial<LeaseBody>;
    if (
      typeof body.node !== 'string' ||
      !Number.isSafeInteger(body.term) ||
      !Number.isSafeInteger(body.leaseMs)
    ) {
      throw new Error(`Lease stream ${this.stream} holds no valid record at ${newest.revision}`);
    }
    return {
      node: body.node,
      term: body.term as number,
      leaseMs: body.leaseMs as number,
      revision: newest.revision,
      released: newest.type === 'LeaderLeaseReleased',
    };
  }

  /**
   * Appends a record after `expected` (the revision read or last written, or none); resolves with
   * the record's revision. Throws `WrongExpectedVersionError` when another node wrote first.
   */
  async write(
    type: LeaseEventType,
    body: LeaseBody,
    expected: bigint | undefined,
    deadlineMs: number,
  ): Promise<bigint> {
    await this.bounded.bound(this.stream, { deadline: deadlineMs });
    const { nextExpectedRevision } = await this.client.appendToStream(
      this.stream,
      jsonEvent({ type, data: { ...body } }),
      { expectedRevision: expected ?? NO_STREAM, deadline: deadlineMs, requiresLeader: true },
    );
    return nextExpectedRevision;
  }
}
