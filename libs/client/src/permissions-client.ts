import { DecisionCache, type DecisionQuery } from './decision-cache';
import type { GrantScope, PermissionChange } from './permission-change';
import { watchEvents } from './watch-stream';

/** The answer of `POST /v1/check`, as the API gives it. */
export interface CheckAnswer {
  allowed: boolean;
  reason: string;
  provenance: { layer: string; rule: string; grantId?: string; expiresAt?: string; [more: string]: unknown };
  /** The log position the answer reflects. */
  position: number;
}

export interface PermissionsClientOptions {
  baseUrl: string;
  workspaceId: string;
  /** A bearer token, or a function giving a fresh one (asked again at each reconnection). */
  token: string | (() => string | Promise<string>);
  /** At most this many answers are kept (then the cache starts again empty). */
  maxEntries?: number;
  /** Wait before connecting again after the stream was lost. */
  reconnectDelayMs?: number;
  /**
   * Ask the stream for a heartbeat this often (1–60 s; the server's default is 15). A write that
   * changes no permission is told only by the next heartbeat, so `position` lags the log by up to
   * this much; a check with a later `minPosition` goes to the network meanwhile.
   */
  heartbeatSeconds?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** Told of each change the stream applied (for logs and metrics). */
  onChange?: (change: PermissionChange) => void;
}

export interface CheckOptions {
  /** Answer only from a state that includes this position (the one a write returned). */
  minPosition?: number;
  /** A past instant: always asked over the network. */
  at?: string;
}

/**
 * Permission checks for a service on a hot path: answers from an in-process cache while the watch
 * stream is live, from `POST /v1/check` otherwise. Correct by construction (see DecisionCache):
 * answers carry their position, the stream forgets exactly the channels and connectors that
 * changed, a grant's expiry forgets its answers at `expiresAt` by a local timer (and an answer a
 * grant gave is never served past that grant's expiry), `minPosition` beyond what the stream has
 * told goes to the network, and a lost stream sends every check to the network until it resumes.
 */
export class PermissionsClient {
  private readonly cache: DecisionCache<CheckAnswer>;
  private readonly expiries = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private lastId: number | undefined;
  private running: Promise<void> | undefined;
  private readyWaiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly options: PermissionsClientOptions) {
    this.cache = new DecisionCache(options.maxEntries);
    this.now = options.now ?? Date.now;
  }

  /** Opens the watch stream (resuming it whenever it drops); resolves once it is live. */
  start(): Promise<void> {
    this.running ??= this.follow();
    if (this.cache.live) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  close(): void {
    this.abort.abort();
    this.cache.lose();
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
  }

  /** Is the stream live (checks answered from the cache)? */
  get live(): boolean {
    return this.cache.live;
  }

  /** Every change up to this position has been applied to the cache. */
  get position(): number {
    return this.cache.heard;
  }

  /** The cached answer if there is one that may be served, without a promise (the hot path). */
  cached(query: DecisionQuery, minPosition?: number): CheckAnswer | undefined {
    return this.cache.get(query, this.now(), minPosition);
  }

  check(query: DecisionQuery, options: CheckOptions = {}): Promise<CheckAnswer> {
    if (options.at === undefined) {
      const hit = this.cache.get(query, this.now(), options.minPosition);
      if (hit !== undefined) return Promise.resolve(hit);
    }
    return this.ask(query, options);
  }

  private async ask(query: DecisionQuery, options: CheckOptions): Promise<CheckAnswer> {
    const response = await (this.options.fetch ?? fetch)(new URL('/v1/check', this.options.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${await this.token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceId: this.options.workspaceId, ...query, ...options }),
    });
    const body = (await response.json()) as CheckAnswer & { code?: string };
    if (!response.ok) throw new Error(`check refused: ${response.status} ${body.code ?? ''}`);
    if (options.at === undefined) {
      const until =
        body.provenance.expiresAt === undefined ? Infinity : Date.parse(body.provenance.expiresAt);
      this.cache.put(query, body, body.position, until);
    }
    return body;
  }

  private async follow(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let planned = false;
      try {
        for await (const event of watchEvents({
          baseUrl: this.options.baseUrl,
          workspaceId: this.options.workspaceId,
          token: await this.token(),
          after: this.lastId,
          query:
            this.options.heartbeatSeconds === undefined
              ? undefined
              : { heartbeatSeconds: String(this.options.heartbeatSeconds) },
          signal: this.abort.signal,
          fetch: this.options.fetch,
        })) {
          if (event.type === 'end') {
            // The server's own end of a stream (its timeout, the token's expiry): connect again at once.
            planned = event.reason === 'timeout' || event.reason === 'token-expired';
            if (event.reason === 'resume-too-old') {
              this.cache.reset(0);
              this.lastId = undefined;
            }
            break;
          }
          if (event.id !== undefined) this.lastId = Number(event.id);
          if (event.type === 'change') this.applyChange(event.change);
          else if (event.type === 'heartbeat') this.cache.advance(event.position);
          else {
            this.cache.resume(event.position);
            for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
          }
        }
      } catch (error) {
        // Refused (the token, the workspace) or unreachable: checks go to the network meanwhile;
        // whoever awaits `start` hears of it.
        for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
      }
      this.cache.lose();
      if (this.abort.signal.aborted) return;
      if (!planned) await this.pause(this.options.reconnectDelayMs ?? 1_000);
    }
  }

  /** The wait before connecting again, cut short by `close`: nothing of a closed client stays scheduled. */
  private pause(ms: number): Promise<void> {
    const { signal } = this.abort;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private applyChange(change: PermissionChange): void {
    // An expiry told by the server's clock is not in the log: it forgets whatever the position.
    if (change.kind === 'grant-ended' && change.cause === 'expiresAt') this.cache.expire(change);
    else this.cache.apply(change);
    if (change.kind === 'grant-started' || change.kind === 'grant-extended') this.timeExpiry(change);
    else if (change.kind === 'grant-ended') {
      clearTimeout(this.expiries.get(change.grantId));
      this.expiries.delete(change.grantId);
    }
    this.options.onChange?.(change);
  }

  /** At `expiresAt` the read model stops honouring the grant: so does the cache, log or no log. */
  private timeExpiry(grant: GrantScope): void {
    clearTimeout(this.expiries.get(grant.grantId));
    const delay = Math.min(Math.max(0, Date.parse(grant.expiresAt) - this.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.expiries.delete(grant.grantId);
      this.cache.expire(grant);
    }, delay);
    timer.unref?.();
    this.expiries.set(grant.grantId, timer);
  }

  private async token(): Promise<string> {
    const { token } = this.options;
    return typeof token === 'string' ? token : token();
  }
}
