/** A stream's state folded through its events up to `revision` (the last one's stream version; -1: none). */
export interface FoldedAt<State> {
  readonly state: State;
  readonly revision: number;
}

/** How many streams a process keeps folded when nothing else is said. */
export const STREAM_STATE_CACHE_CAPACITY = 1_000;

/**
 * The folded states of the streams most recently written through one decider, so that a command
 * reads and folds only the events after the last one it folded instead of the whole stream (a
 * channel with thousands of extensions costs one short read, not thousands of rows). Reading the
 * tail is still done on every command, so writes from other processes are always seen and the
 * append stays conditional on the revision read: the cache saves work, it never decides.
 *
 * States are shared between commands on the same stream, so they must be immutable values: every
 * `evolve` in libs/domain returns a new state and leaves the one it was given as it was.
 * Bounded: the least recently used stream is dropped past `capacity`.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, FoldedAt<State>>();

  constructor(private readonly capacity = STREAM_STATE_CACHE_CAPACITY) {}

  get(streamId: string): FoldedAt<State> | undefined {
    const folded = this.entries.get(streamId);
    if (folded !== undefined) {
      this.entries.delete(streamId);
      this.entries.set(streamId, folded);
    }
    return folded;
  }

  /** Keeps the newer of what is cached and `folded` (commands on one stream may finish out of order). */
  set(streamId: string, folded: FoldedAt<State>): void {
    const cached = this.entries.get(streamId);
    if (cached !== undefined && cached.revision > folded.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, folded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
