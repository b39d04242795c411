import type { RecordedEvent } from '@mandate/event-store';

/**
 * Puts events back in global position order. Positions are gapless, so an event is released as
 * soon as every position before it has been: an early arrival waits, a copy of a position already
 * released (or already waiting) is dropped. Memory holds only early arrivals.
 */
export class GaplessReorderBuffer {
  private readonly early = new Map<number, RecordedEvent>();
  private released = 0;

  constructor(after = 0) {
    this.released = after;
  }

  /** Position of the last event released. */
  get head(): number {
    return this.released;
  }

  /** Events waiting for an earlier position. */
  get waiting(): number {
    return this.early.size;
  }

  /** The events this arrival releases, in position order (often none or just itself). */
  accept(event: RecordedEvent): RecordedEvent[] {
    const position = event.globalPosition;
    if (position <= this.released || this.early.has(position)) return [];
    this.early.set(position, event);
    const out: RecordedEvent[] = [];
    for (let next = this.early.get(this.released + 1); next; next = this.early.get(this.released + 1)) {
      this.early.delete(next.globalPosition);
      out.push(next);
      this.released = next.globalPosition;
    }
    return out;
  }
}
