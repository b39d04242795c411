/** One refused connection, as the enforcement point saw it. */
export interface Denial<Detail> {
  /** What denials are aggregated by: for egress, (workspace, channel, host, port, rule). */
  key: string;
  atMs: number;
  detail: Detail;
}

/** What to write: `count` denials of one key, from `firstAtMs` to `lastAtMs`. */
export interface DenialRecord<Detail> {
  key: string;
  count: number;
  firstAtMs: number;
  lastAtMs: number;
  /** The first denial's detail (reason, rule, caller…): a key's denials share their reason. */
  detail: Detail;
  /** Every distinct caller counted, up to `maxCallers`. */
  callers: string[];
}

interface KeyState<Detail> {
  /** When a record of this key was last handed out for writing. */
  lastWrittenAtMs: number;
  pending: DenialRecord<Detail> | null;
}

export interface DenialAggregatorOptions {
  /** At most one record per key per window. */
  windowMs?: number;
  maxCallers?: number;
}

/**
 * Aggregates refused connections so that evidence of every one is kept while the log grows by at
 * most one record per key per window, however fast they come. Pure (time comes in with each call,
 * no timers, no I/O): the API's egress check and the egress gateway drive it the same way.
 *
 * - A denial of a key quiet for a window is handed out at once (count 1): the first attempt to
 *   reach a host is evidence without delay.
 * - Later denials within the window after a record are counted; `due(now)` hands them out as one
 *   record once that window has passed, and that record opens the next window.
 * - `drain()` hands out everything counted (shutdown): no denial is lost on an orderly stop.
 * - A key's state is forgotten a window after its last record, so memory follows the keys active
 *   in the last window, not the history.
 */
export class DenialAggregator<Detail> {
  private readonly windowMs: number;
  private readonly maxCallers: number;
  private readonly keys = new Map<string, KeyState<Detail>>();

  constructor(options: DenialAggregatorOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxCallers = options.maxCallers ?? 10;
  }

  /** Counts one denial; returns the record to write now, if this denial opens a window. */
  deny(denial: Denial<Detail>, caller: string): DenialRecord<Detail> | undefined {
    const state = this.keys.get(denial.key);
    if (state !== undefined && denial.atMs - state.lastWrittenAtMs < this.windowMs) {
      state.pending = this.add(state.pending, denial, caller);
      return undefined;
    }
    // Quiet for a window (or never seen): anything still counted goes out with this denial.
    const record = this.add(state?.pending ?? null, denial, caller);
    this.keys.set(denial.key, { lastWrittenAtMs: denial.atMs, pending: null });
    return record;
  }

  /** Records whose window has passed, to write now; forgets keys quiet for a window. */
  due(nowMs: number): DenialRecord<Detail>[] {
    const records: DenialRecord<Detail>[] = [];
    for (const [key, state] of this.keys) {
      if (nowMs - state.lastWrittenAtMs < this.windowMs) continue;
      if (state.pending === null) {
        this.keys.delete(key);
        continue;
      }
      records.push(state.pending);
      state.pending = null;
      state.lastWrittenAtMs = nowMs;
    }
    return records;
  }

  /** Everything counted and not yet handed out (an orderly stop). */
  drain(): DenialRecord<Detail>[] {
    const records = [...this.keys.values()].flatMap((state) => (state.pending ? [state.pending] : []));
    this.keys.clear();
    return records;
  }

  /** Keys remembered (active in the last window). */
  get size(): number {
    return this.keys.size;
  }

  private add(
    pending: DenialRecord<Detail> | null,
    denial: Denial<Detail>,
    caller: string,
  ): DenialRecord<Detail> {
    if (pending === null) {
      return {
        key: denial.key,
        count: 1,
        firstAtMs: denial.atMs,
        lastAtMs: denial.atMs,
        detail: denial.detail,
        callers: [caller],
      };
    }
    pending.count++;
    pending.lastAtMs = denial.atMs;
    if (pending.callers.length < this.maxCallers && !pending.callers.includes(caller)) {
      pending.callers.push(caller);
    }
    return pending;
  }
}
