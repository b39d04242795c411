/**
 * Work that must run on one node of the cluster at a time (the Kafka relay, the approver
 * notifier): each node campaigns for a named role, and the one that wins runs the work until it
 * loses the role or stops. A store chooses how the role is decided (leadership.factory.ts).
 */
export interface Leadership {
  /**
   * Runs `work` whenever this process leads `role`, until `signal` aborts. The signal given to
   * `work` aborts the moment the role is lost (or `signal` aborts): the work must stop at once.
   * When `work` ends or the role is lost, the process campaigns again. Resolves once `signal` has
   * aborted and the work in hand has returned.
   */
  whileLeader(
    role: string,
    work: (leading: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
  /** Whether this process leads `role` now. */
  leads(role: string): boolean;
}

/** How long a node waits before campaigning again after work that failed. */
const RESTART_DELAY_MS = 1_000;

/** Always the leader: a store that lives on one host (SQLite) has no second node to share with. */
export class InProcessLeadership implements Leadership {
  private readonly leading = new Set<string>();

  constructor(private readonly onWorkFailed: (role: string, error: unknown) => void = () => undefined) {}

  leads(role: string): boolean {
    return this.leading.has(role);
  }

  async whileLeader(
    role: string,
    work: (leading: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      this.leading.add(role);
      try {
        await work(signal);
      } catch (error) {
        if (!signal.aborted) this.onWorkFailed(role, error);
      } finally {
        this.leading.delete(role);
      }
      await abortableDelay(RESTART_DELAY_MS, signal);
    }
  }
}

/**
 * Reports the first failure of a run of failed campaigns (the store unreachable, or refusing this
 * node's writes): a node that can never lead says so once, not on every retry, and again only
 * after a campaign got through in between.
 */
export function firstFailureReporter(report: ((error: unknown) => void) | undefined): {
  failed(error: unknown): void;
  succeeded(): void;
} {
  let failing = false;
  return {
    failed(error) {
      if (!failing) report?.(error);
      failing = true;
    },
    succeeded() {
      failing = false;
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
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
