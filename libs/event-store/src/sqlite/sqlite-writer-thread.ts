import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { AppendResult, ExpectedRevision } from '../event-store.port';
import type { EventWriter } from './sqlite-event-writer';
import type { PreparedEvent } from './sqlite-prepared-event';
import { startSqliteWorker } from './sqlite-worker-entry';
import {
  type AppendMessage,
  errorOf,
  type FlushedMessage,
  type WriterThreadSettings,
} from './sqlite-writer-messages';

interface Waiting {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * The store's writer on a thread of its own (sqlite-writer.worker.ts): better-sqlite3 is
 * synchronous, so a group commit on the calling thread blocks its event loop for the whole
 * `fsync`. Here the appends of one event-loop turn are posted together (one message: a message's
 * cost is mostly its own, not its size) and each promise settles when the thread's commit holding
 * it has returned: the same durability, revision checks, idempotent retries and hash
 * chain (the thread runs `SqliteEventWriter`), while the calling thread keeps serving. Appends
 * that arrive during a commit share the next one.
 */
export class SqliteWriterThread implements EventWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private idle: Array<() => void> = [];
  private outgoing: AppendMessage[] = [];
  private nextId = 0;
  private stopped: Error | undefined;

  constructor(
    settings: WriterThreadSettings,
    /** Called with the new head position after each committed group. */
    private readonly committed: (headPosition: number) => void,
  ) {
    this.worker = startSqliteWorker('sqlite-writer', settings);
    // Kept alive only while an append waits: an idle store must not hold its process open.
    this.worker.unref();
    this.worker.on('message', (message: FlushedMessage) => this.settle(message));
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', () => this.stop(new Error('Event store writer thread stopped')));
  }

  append(streamId: string, events: PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.outgoing.push({ id, streamId, events, expected });
      if (this.outgoing.length === 1) setImmediate(() => this.post());
    });
  }

  private post(): void {
    const batch = this.outgoing;
    this.outgoing = [];
    if (!this.stopped) this.worker.postMessage(batch);
  }

  drained(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.drained();
    if (this.stopped) return;
    const exited = once(this.worker, 'exit');
    this.worker.postMessage('close');
    await exited;
  }

  private settle({ outcomes, head }: FlushedMessage): void {
    for (const outcome of outcomes) {
      const waiting = this.waiting.get(outcome.id);
      if (waiting === undefined) continue;
      this.waiting.delete(outcome.id);
      if ('result' in outcome) waiting.resolve(outcome.result);
      else waiting.reject(errorOf(outcome.refusal));
    }
    if (head !== null) this.committed(head);
    if (this.waiting.size === 0) this.becameIdle();
  }

  /** The thread is gone: what waits is refused (never acknowledged unless its commit returned). */
  private stop(error: Error): void {
    this.stopped ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.becameIdle();
  }

  private becameIdle(): void {
    this.worker.unref();
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}
