import type { RecordedEvent } from '@mandate/event-store';

/**
 * Puts events back in global position order. Positions are gapless, so an event is released as
 * soon as every position before it has been: an early arrival waits, a copy of a position already
 * released (or an identical copy of one waiting) is dropped. Memory holds only early arrivals.
 *
 * `admits` is asked about each event as its turn comes; one it refuses is dropped and its position
 * stays open for another copy (a replica checking the hash chain refuses copies that do not link).
 * Differing copies of a waiting position all wait, so a refused one cannot crowd out the genuine.
 */
export class GaplessReorderBuffer {
  private readonly early = new Map<number, RecordedEvent[]>();
  private released = 0;

  constructor(
    after = 0,
    private readonly admits: (event: RecordedEvent) => boolean = () => true,
  ) {
    this.released = after;
  }

  /** Position of the last event released. */
  get head(): number {
    return this.released;
  }

  /** Positions waiting for an earlier one. */
  get waiting(): number {
    return this.early.size;
  }

  /** The events this arrival releases, in position order (often none or just itself). */
  accept(event: RecordedEvent): RecordedEvent[] {
    const position = event.globalPosition;
    if (position <= this.released) return [];
    const copies = this.early.get(position);
    if (copies?.some((copy) => copy.hash === event.hash)) return [];
    if (copies === undefined) this.early.set(position, [event]);
    else copies.push(event);
    const out: RecordedEvent[] = [];
    for (let next = this.early.get(this.released + 1); next; next = this.early.get(this.released + 1)) {
      this.early.delete(this.released + 1);
      const admitted = next.find((copy) => this.admits(copy));
      if (admitted === undefined) break;
      out.push(admitted);
      this.released = admitted.globalPosition;
    }
    return out;
  }
}
