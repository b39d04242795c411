import { Client, type ClientConfig } from 'pg';
import type { EventEmitter } from 'node:events';

const RECONNECT_DELAY_MS = 1_000;

/**
 * Holds one connection that LISTENs on the log's channel and turns each NOTIFY (sent by every
 * append's transaction, delivered on commit, in commit order) into an `appended` event with the new
 * head: a caught-up subscriber wakes when any process appends, without polling.
 *
 * Notifications sent while the connection is down are lost, so after every (re)connect the current
 * head is read and announced as well: a waiter that missed a NOTIFY is woken by that.
 */
export class PostgresHeadListener {
  private client: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** Resolves once the first LISTEN is in place (or failed: waiters then rely on the slow poll). */
  readonly ready: Promise<void>;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly appended: EventEmitter,
    private readonly readHead: () => Promise<number>,
  ) {
    this.ready = this.connect().catch(() => this.scheduleReconnect());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('notification', ({ channel, payload }) => {
      if (channel === this.channel && payload) this.appended.emit('appended', Number(payload));
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    this.appended.emit('appended', await this.readHead().catch(() => 0));
  }

  private lost(client: Client): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.closed) this.connect().catch(() => this.scheduleReconnect());
    }, RECONNECT_DELAY_MS);
    // A reconnect loop alone must not keep a process alive.
    this.retry.unref();
  }
}
