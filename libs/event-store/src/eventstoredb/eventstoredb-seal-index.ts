import type { Position } from '@eventstore/db-client';
import type { Seal } from './log-event';

const placeOf = (position: Position | Pick<Seal, 'commit' | 'prepare'>): string =>
  `${position.commit}/${position.prepare}`;

/**
 * The seals this node has read, in position order, looked up by position, by event id (an
 * append's idempotency check) and by `$all` place (a stream read: an event id is unique only by
 * convention, a place in `$all` always is). Built from the chain stream by each node.
 */
export class SealIndex {
  private readonly seals: Seal[] = [];
  private readonly positionById = new Map<string, number>();
  private readonly positionByPlace = new Map<string, number>();

  get head(): number {
    return this.seals.length;
  }

  get last(): Seal | undefined {
    return this.seals.at(-1);
  }

  add(seal: Seal): void {
    if (seal.position !== this.head + 1) {
      throw new Error(`The chain stream skips from position ${this.head} to ${seal.position}`);
    }
    this.seals.push(seal);
    if (!this.positionById.has(seal.eventId)) this.positionById.set(seal.eventId, seal.position);
    this.positionByPlace.set(placeOf(seal), seal.position);
  }

  at(position: number): Seal | undefined {
    return this.seals[position - 1];
  }

  byId(eventId: string): Seal | undefined {
    const position = this.positionById.get(eventId);
    return position === undefined ? undefined : this.at(position);
  }

  byPlace(position: Position): Seal | undefined {
    const at = this.positionByPlace.get(placeOf(position));
    return at === undefined ? undefined : this.at(at);
  }

  /**
   * Positions of revisions `first..first+count-1` of `streamId` among the seals after position
   * `after`, in revision order; undefined until all of them are sealed. An append's own events are
   * found by where they are, not by id: an id is unique only as far as writers keep it so.
   */
  positionsAfter(after: number, streamId: string, first: number, count: number): number[] | undefined {
    const positions = new Array<number>(count);
    let found = 0;
    for (let index = after; index < this.seals.length && found < count; index++) {
      const seal = this.seals[index];
      const offset = seal.revision - first;
      if (seal.streamId === streamId && offset >= 0 && offset < count) {
        positions[offset] = seal.position;
        found++;
      }
    }
    return found === count ? positions : undefined;
  }

  /** Seals `from..from+count-1` (as many as this node holds). */
  slice(from: number, count: number): Seal[] {
    return this.seals.slice(from - 1, from - 1 + count);
  }
}
