/**
 * Remembers the last `capacity` ids it admitted, in insertion order; the oldest is forgotten when
 * a new one arrives at capacity. Memory is bounded (about 100 bytes per id); a duplicate is
 * recognised as long as fewer than `capacity` other ids arrived since its first copy.
 */
export class DedupeWindow {
  private readonly ids = new Set<string>();
  private readonly ring: string[];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<string>(capacity);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** True when `id` is new (and now remembered), false when it is a duplicate within the window. */
  admit(id: string): boolean {
    if (this.ids.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }
}
