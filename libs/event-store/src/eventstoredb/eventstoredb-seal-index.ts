import type { Position } from '@eventstore/db-client';
import type { Seal } from './log-event';

/** Seals a node keeps in memory by default: the newest ones, where appends and live readers look. */
export const DEFAULT_SEAL_WINDOW = 10_000;

const placeOf = (position: Position | Pick<Seal, 'commit' | 'prepare'>): string =>
  `${position.commit}/${position.prepare}`;

/**
 * The newest seals this node has read (a window of `capacity`, in position order), looked up by
 * position, by event id (an append's idempotency check) and by `$all` place (a stream read: an
 * event id is unique only by convention, a place in `$all` always is). Older seals are read from
 * the chain stream when asked for, so memory is bounded by the window, not by the log's length.
 * Built from the chain stream by each node, from its end (`startAt`).
 */
export class SealIndex {
  private readonly ring: (Seal | undefined)[];
  private held = 0;
  private newest = 0;
  private readonly positionById = new Map<string, number>();
  private readonly positionByPlace = new Map<string, number>();

  constructor(readonly capacity = DEFAULT_SEAL_WINDOW) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new Error(`The seal window must be a positive integer, not ${capacity}`);
    }
    this.ring = new Array<Seal | undefined>(capacity);
  }

  /** The last position read (0 before any). */
  get head(): number {
    return this.newest;
  }

  /** The oldest position held (`head + 1` when none is). */
  get first(): number {
    return this.newest - this.held + 1;
  }

  /** Seals held. */
  get size(): number {
    return this.held;
  }

  get last(): Seal | undefined {
    return this.at(this.newest);
  }

  /** Starts an index that holds nothing yet at `position`: the seals before it stay in the chain stream. */
  startAt(position: number): void {
    if (this.held > 0 || this.newest > 0) throw new Error('The seal index has already started');
    this.newest = Math.max(0, position - 1);
  }

  add(seal: Seal): void {
    if (seal.position !== this.newest + 1) {
      throw new Error(`The chain stream skips from position ${this.newest} to ${seal.position}`);
    }
    if (this.held === this.capacity) this.evictOldest();
    this.ring[this.slot(seal.position)] = seal;
    this.newest = seal.position;
    this.held++;
    if (!this.positionById.has(seal.eventId)) this.positionById.set(seal.eventId, seal.position);
    this.positionByPlace.set(placeOf(seal), seal.position);
  }

  at(position: number): Seal | undefined {
    return position >= this.first && position <= this.newest ? this.ring[this.slot(position)] : undefined;
  }

  /** The held seal naming `eventId` (the oldest such): a seal older than the window is not found. */
  byId(eventId: string): Seal | undefined {
    const position = this.positionById.get(eventId);
    return position === undefined ? undefined : this.at(position);
  }

  byPlace(position: Position): Seal | undefined {
    const at = this.positionByPlace.get(placeOf(position));
    return at === undefined ? undefined : this.at(at);
  }

  /** Held seals `from..from+count-1` (those of them the window holds). */
  slice(from: number, count: number): Seal[] {
    const seals: Seal[] = [];
    const end = Math.min(this.newest, from + count - 1);
    for (let position = Math.max(from, this.first); position <= end; position++) {
      seals.push(this.ring[this.slot(position)] as Seal);
    }
    return seals;
  }

  private slot(position: number): number {
    return (position - 1) % this.capacity;
  }

  private evictOldest(): void {
    const position = this.first;
    const seal = this.ring[this.slot(position)] as Seal;
    this.ring[this.slot(position)] = undefined;
    this.held--;
    if (this.positionById.get(seal.eventId) === position) this.positionById.delete(seal.eventId);
    const place = placeOf(seal);
    if (this.positionByPlace.get(place) === position) this.positionByPlace.delete(place);
  }
}

/**
 * Positions of revisions `first..first+count-1` of `streamId` among `seals`, in revision order;
 * undefined unless all of them are there. An append's own events are found by where they are,
 * not by id: an id is unique only as far as writers keep it so.
 */
export async function positionsAmong(
  seals: AsyncIterable<Seal> | Iterable<Seal>,
  streamId: string,
  first: number,
  count: number,
): Promise<number[] | undefined> {
  const positions = new Array<number>(count);
  let found = 0;
  for await (const seal of seals) {
    const offset = seal.revision - first;
    if (seal.streamId === streamId && offset >= 0 && offset < count && positions[offset] === undefined) {
      positions[offset] = seal.position;
      if (++found === count) return positions;
    }
  }
  return undefined;
}
