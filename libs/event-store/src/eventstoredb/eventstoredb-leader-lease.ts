import {
  BACKWARDS,
  END,
  jsonEvent,
  NO_STREAM,
  StreamNotFoundError,
  type EventStoreDBClient,
  type ResolvedEvent,
} from '@eventstore/db-client';

/** The client calls a leader lease makes; the fake server provides them in unit tests. */
export type EventStoreDbLeaseClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'setStreamMetadata'
>;

/** Apart from the log's streams (`<namespace>:…`, `<namespace>-chain`), so a reader of the log never meets a lease. */
export const LEADER_STREAM_PREFIX = 'mandate-leader-';

/** Older lease records are dropped by EventStoreDB's scavenge; a few are kept for an operator to read. */
const KEPT_RECORDS = 10;

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
  private bounded = false;

  constructor(
    private readonly client: EventStoreDbLeaseClient,
    role: string,
  ) {
    this.stream = leaderStreamOf(role);
  }

  /** The newest record, read from the cluster's leader (a follower's copy may lag); undefined when none. */
  async read(): Promise<LeaseState | undefined> {
    try {
      const newest = this.client.readStream(this.stream, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
        requiresLeader: true,
      }) as AsyncIterable<ResolvedEvent>;
      for await (const { event } of newest) {
        if (!event) continue;
        const body = event.data as Partial<LeaseBody>;
        if (
          typeof body.node !== 'string' ||
          !Number.isSafeInteger(body.term) ||
          !Number.isSafeInteger(body.leaseMs)
        ) {
          throw new Error(`Lease stream ${this.stream} holds no valid record at ${event.revision}`);
        }
        return {
          node: body.node,
          term: body.term as number,
          leaseMs: body.leaseMs as number,
          revision: event.revision,
          released: event.type === 'LeaderLeaseReleased',
        };
      }
      return undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
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
    if (!this.bounded) {
      await this.client.setStreamMetadata(this.stream, { maxCount: KEPT_RECORDS }, { deadline: deadlineMs });
      this.bounded = true;
    }
    const { nextExpectedRevision } = await this.client.appendToStream(
      this.stream,
      jsonEvent({ type, data: { ...body } }),
      { expectedRevision: expected ?? NO_STREAM, deadline: deadlineMs, requiresLeader: true },
    );
    return nextExpectedRevision;
  }
}

const ROLE = /^[A-Za-z0-9_.-]{1,100}$/;

function leaderStreamOf(role: string): string {
  if (!ROLE.test(role)) throw new Error(`Role name ${JSON.stringify(role)} is not [A-Za-z0-9_.-]{1,100}`);
  return `${LEADER_STREAM_PREFIX}${role}`;
}
