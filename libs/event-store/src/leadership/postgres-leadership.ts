import { Client } from 'pg';
import { abortableDelay, firstFailureReporter, type Leadership } from './leadership.port';

/** The first key of every Mandate advisory lock ('MNDT'), so other applications' locks never meet ours. */
const LOCK_NAMESPACE = 0x4d4e4454;

export interface PostgresLeadershipOptions {
  connectionString: string;
  /** Keeps two deployments sharing one database apart (their schema, e.g. `public`). */
  scope?: string;
  /** How often a follower tries the lock. */
  retryMs?: number;
  /**
   * How often the leader proves its connection alive; a round trip slower than 2× this loses the
   * role (generous: a busy event loop must not hand the role over for nothing).
   */
  heartbeatMs?: number;
  onWorkFailed?(role: string, error: unknown): void;
  /** A campaign could not reach the lock (first failure of a run of them; see firstFailureReporter). */
  onCampaignFailed?(role: string, error: unknown): void;
}

/**
 * Leadership by a session-level advisory lock (`pg_try_advisory_lock`), held on a connection of
 * its own: the node whose session holds the lock leads. PostgreSQL releases the lock when the
 * session ends, so a node that dies (its socket closes) gives the role up without anyone waiting
 * for a lease to run out; a follower takes it at its next try (every `retryMs`).
 *
 * The leader stops its work the moment it cannot be sure it still holds the lock: the connection
 * reports an error or ends, or a heartbeat does not come back within 2 × `heartbeatMs`. Needs a
 * direct session (not a transaction-pooling PgBouncer, which would hand the session to others).
 */
export class PostgresLeadership implements Leadership {
  private readonly leading = new Set<string>();
  private readonly retryMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly options: PostgresLeadershipOptions) {
    this.retryMs = options.retryMs ?? 2_000;
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
  }

  leads(role: string): boolean {
    return this.leading.has(role);
  }

  async whileLeader(
    role: string,
    work: (leading: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const lockName = `${this.options.scope ?? 'public'}:${role}`;
    const campaigns = firstFailureReporter((error) => this.options.onCampaignFailed?.(role, error));
    while (!signal.aborted) {
      const session = await this.connect(role).catch((error: unknown) => void campaigns.failed(error));
      if (session) {
        try {
          if (await this.campaign(session, lockName, signal, campaigns)) {
            await this.lead(role, session, work, signal);
          }
        } finally {
          session.close();
        }
      }
      await abortableDelay(this.retryMs, signal);
    }
  }

  private async connect(role: string): Promise<LockSession> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: `mandate-leadership:${role}`,
      keepAlive: true,
      connectionTimeoutMillis: this.heartbeatMs * 5,
      query_timeout: this.heartbeatMs * 2,
    });
    const session = new LockSession(client);
    try {
      await client.connect();
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  /** Tries the lock every `retryMs` on the session; true once held, false if the session or `signal` ended. */
  private async campaign(
    session: LockSession,
    lockName: string,
    signal: AbortSignal,
    campaigns: ReturnType<typeof firstFailureReporter>,
  ): Promise<boolean> {
    while (!signal.aborted && !session.lost.aborted) {
      const held = await session.client
        .query<{ held: boolean }>('SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS held', [
          LOCK_NAMESPACE,
          lockName,
        ])
        .then(({ rows }) => {
          campaigns.succeeded();
          return rows[0]?.held === true;
        })
        .catch((error: unknown) => {
          campaigns.failed(error);
          return false;
        });
      // A stop that landed while the query was in flight wins over the lock it won: work started
      // now would get a signal that has already fired, whose abort event it would wait for in
      // vain. The lock goes with the session, closed by the caller.
      if (held && !session.lost.aborted && !signal.aborted) return true;
      await abortableDelay(this.retryMs, AbortSignal.any([signal, session.lost]));
    }
    return false;
  }

  /** Runs the work under the lock until it returns, `signal` aborts or the session is lost. */
  private async lead(
    role: string,
    session: LockSession,
    work: (leading: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const leading = AbortSignal.any([signal, session.lost]);
    const heartbeat = setInterval(() => {
      session.client.query('SELECT 1').catch(() => session.lose());
    }, this.heartbeatMs);
    this.leading.add(role);
    try {
      await work(leading);
    } catch (error) {
      if (!leading.aborted) this.options.onWorkFailed?.(role, error);
    } finally {
      this.leading.delete(role);
      clearInterval(heartbeat);
    }
  }
}

/** One connection and whether it can still be trusted to hold its locks. */
class LockSession {
  private readonly lostController = new AbortController();
  readonly lost = this.lostController.signal;

  constructor(readonly client: Client) {
    // An error on an idle connection is emitted, not thrown: without a listener it ends the process.
    client.on('error', () => this.lose());
    client.on('end', () => this.lose());
  }

  lose(): void {
    this.lostController.abort();
  }

  /** Ends the session, which releases every lock it held. */
  close(): void {
    this.lose();
    void this.client.end().catch(() => undefined);
  }
}
