import type { PermissionChange } from './permission-change';

/** What a decision is about, in one workspace (the cache of a PermissionsClient serves one). */
export interface DecisionQuery {
  channelId: string;
  connector: string;
  action: string;
  resource: string;
  invokedBy?: string;
}

interface Entry<A> {
  answer: A;
  /** The log position the answer was computed at: it reflects every change up to it. */
  position: number;
  /** When the answer stops holding by the clock alone (the JIT grant that allowed it expires). */
  validUntilMs: number;
}

/** action → resource → invoker ('' for none) → entry: lookups hash the query's own strings, never a built key. */
type Answers<A> = Map<string, Map<string, Map<string, Entry<A>>>>;
/** channel → connector → answers, so a change forgets a channel or a connector without a scan of the rest. */
type Channels<A> = Map<string, Map<string, Answers<A>>>;

/**
 * The decisions of one workspace, kept correct by positions. The watch stream tells every change
 * in position order; `heard` is the position up to which all of them were applied. An answer
 * computed at position p is kept only if p ≥ heard (the changes after p are still to be told, and
 * each removes the answers it touches that are older than itself), and served only while the
 * stream is live and, with `minPosition`, only once `heard` reached it. Pure: the clock comes in
 * with each call, timers and I/O live in PermissionsClient.
 */
export class DecisionCache<A> {
  private readonly channels: Channels<A> = new Map();
  private size = 0;
  private heardPosition = 0;
  private isLive = false;

  constructor(private readonly maxEntries = 100_000) {}

  get heard(): number {
    return this.heardPosition;
  }

  get live(): boolean {
    return this.isLive;
  }

  get entries(): number {
    return this.size;
  }

  /** The cached answer, or undefined when the network must be asked. */
  get(query: DecisionQuery, nowMs: number, minPosition?: number): A | undefined {
    if (!this.isLive || (minPosition !== undefined && minPosition > this.heardPosition)) return undefined;
    const byInvoker = this.channels
      .get(query.channelId)
      ?.get(query.connector)
      ?.get(query.action)
      ?.get(query.resource);
    const invoker = query.invokedBy ?? '';
    const entry = byInvoker?.get(invoker);
    if (entry === undefined) return undefined;
    if (nowMs < entry.validUntilMs) return entry.answer;
    byInvoker?.delete(invoker);
    this.size--;
    return undefined;
  }

  /** Keeps an answer computed at `position`; false when it may already be stale and was not kept. */
  put(query: DecisionQuery, answer: A, position: number, validUntilMs = Infinity): boolean {
    if (!this.isLive || position < this.heardPosition) return false;
    if (this.size >= this.maxEntries) this.clear();
    const byConnector = child(this.channels, query.channelId);
    const byInvoker = child(child(child(byConnector, query.connector), query.action), query.resource);
    const invoker = query.invokedBy ?? '';
    if (!byInvoker.has(invoker)) this.size++;
    byInvoker.set(invoker, { answer, position, validUntilMs });
    return true;
  }

  /** A change told by the watch stream: the answers it touches that predate it are forgotten. */
  apply(change: PermissionChange): void {
    if (change.kind === 'workspace') {
      for (const inChannel of this.channels.values()) this.forget(inChannel, change.position);
    } else {
      const inChannel = this.channels.get(change.channelId);
      if (inChannel !== undefined) {
        this.forget(inChannel, change.position, change.kind === 'channel' ? undefined : change.connector);
      }
    }
    this.advance(change.position);
  }

  /**
   * A grant's expiry by the local clock: every answer it may have given is forgotten, whatever its
   * position (the log may not say so yet).
   */
  expire(grant: { channelId: string; connector: string }): void {
    const inChannel = this.channels.get(grant.channelId);
    if (inChannel !== undefined) this.forget(inChannel, Infinity, grant.connector);
  }

  /** Every change up to `position` was told (a heartbeat, `ready`). */
  advance(position: number): void {
    if (position > this.heardPosition) this.heardPosition = position;
  }

  /** The stream is live again at `position` (changes in the gap were replayed before). */
  resume(position: number): void {
    this.advance(position);
    this.isLive = true;
  }

  /** The stream is lost: nothing is served until it resumes (kept answers wait for the replay). */
  lose(): void {
    this.isLive = false;
  }

  /** The gap cannot be replayed: start again from nothing at `position`. */
  reset(position: number): void {
    this.clear();
    this.heardPosition = position;
  }

  clear(): void {
    this.channels.clear();
    this.size = 0;
  }

  private forget(inChannel: Map<string, Answers<A>>, position: number, connector?: string): void {
    for (const [name, byAction] of inChannel) {
      if (connector !== undefined && name !== connector) continue;
      for (const [action, byResource] of byAction) {
        for (const [resource, byInvoker] of byResource) {
          for (const [invoker, entry] of byInvoker) {
            if (entry.position >= position) continue;
            byInvoker.delete(invoker);
            this.size--;
          }
          // Emptied levels go too: memory follows the answers kept, not the queries ever asked.
          if (byInvoker.size === 0) byResource.delete(resource);
        }
        if (byResource.size === 0) byAction.delete(action);
      }
      if (byAction.size === 0) inChannel.delete(name);
    }
  }
}

function child<V>(parent: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let found = parent.get(key);
  if (found === undefined) parent.set(key, (found = new Map()));
  return found;
}
