import { setImmediate as nextTurn } from 'node:timers/promises';
import { type EventStore, type RecordedEvent, turnTaker } from '@mandate/event-store';
import { writeSnapshotFile } from '../effective-permissions/snapshot-file';
import type { ReadModel, ReadModelHealth, RunnerLogger } from './read-model';
import { resumeReadModel } from './read-model-resume';

export interface ProjectionRunnerOptions {
  store: Pick<EventStore, 'subscribe' | 'headPosition' | 'readAll'>;
  projection: ReadModel;
  /** Names the model in the log lines (default `projection`). */
  name?: string;
  /** Where the snapshot (state + checkpoint) lives; none: every start rebuilds from position 1. */
  snapshotPath?: string;
  /** Snapshot after this many events applied while live (and when catch-up ends, and on stop). */
  snapshotEvery?: number;
  logger?: RunnerLogger;
  /**
   * Applies what arrived one event-loop turn later than the models without it: the requests read
   * in between (a check sent right after the write it must see) are served before this model's
   * work. For models no decision reads (the audit index; not the access-requests view, which the
   * open-request quota counts from); a wait for a position (`waitForPosition`) still ends as soon
   * as the page is applied.
   */
  background?: boolean;
}

interface Waiter {
  position: number;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

export type RunnerState = 'stopped' | 'catching-up' | 'live' | 'failed';

const CATCH_UP_PAGE = 512;
/** While live, events that arrive together are applied as one page, up to this many. */
const LIVE_PAGE = 1000;

/**
 * Feeds a read model from the log, starting after its snapshot or its own head. Catch-up reads
 * whole pages; then it follows the store's subscription, applying what arrives together as one
 * page as soon as the subscription has to wait, so the model trails the log by one event-loop
 * turn. "Caught up" means it has applied everything that was in the log when it started;
 * readiness reports `catching-up` until then. Waits for a position (`minPosition`) wake as pages
 * apply.
 */
export class ProjectionRunner {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private targetPosition = 0;
  private runnerState: RunnerState = 'stopped';
  private failure: string | undefined;
  private caughtUpResolve: () => void = () => undefined;
  private readonly caughtUpPromise = new Promise<void>((resolve) => (this.caughtUpResolve = resolve));
  private lastSnapshotPosition = 0;
  private readonly name: string;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.name = options.name ?? 'projection';
  }

  get state(): RunnerState {
    return this.runnerState;
  }

  /** Position the model must reach to be caught up (the log's head when it started). */
  get target(): number {
    return this.targetPosition;
  }

  get position(): number {
    return this.options.projection.position;
  }

  /** Resumes the model where the log agrees with it and starts consuming; resolves once begun. */
  async start(): Promise<void> {
    const { projection, store } = this.options;
    await resumeReadModel({ ...this.options, name: this.name });
    this.lastSnapshotPosition = projection.position;
    this.targetPosition = await store.headPosition();
    this.runnerState = 'catching-up';
    if (projection.position >= this.targetPosition) this.markCaughtUp();
    this.loop = this.consume().catch((error: unknown) => {
      if (this.abort.signal.aborted) return;
      this.runnerState = 'failed';
      this.failure = error instanceof Error ? error.message : String(error);
      this.options.logger?.error({ err: error, position: this.position }, `${this.name} stopped`);
    });
  }

  whenCaughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  /** Resolves true once the model has applied `position`, false after `timeoutMs`. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Up once caught up; down while catching up, and after a failure (naming it) until a restart. */
  health(): ReadModelHealth {
    const { position } = this;
    if (this.failure !== undefined)
      return { state: 'down', detail: `failed at position ${position}: ${this.failure}` };
    if (this.runnerState !== 'live') {
      return {
        state: 'down',
        detail: `${this.runnerState} (position ${position} of ${this.targetPosition})`,
      };
    }
    const skipped = this.options.projection.failures ?? 0;
    return { state: 'up', detail: `position ${position}${skipped ? `, ${skipped} events skipped` : ''}` };
  }

  /** Stops consuming and writes a final snapshot. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
    if (this.runnerState !== 'failed') this.runnerState = 'stopped';
    this.writeSnapshot();
  }

  /** Writes the snapshot now (no-op without a path or when nothing changed since the last one). */
  writeSnapshot(): void {
    const { projection, snapshotPath } = this.options;
    if (snapshotPath === undefined || projection.snapshot === undefined) return;
    if (projection.position === this.lastSnapshotPosition) return;
    writeSnapshotFile(snapshotPath, JSON.stringify(projection.snapshot()));
    this.lastSnapshotPosition = projection.position;
  }

  private async consume(): Promise<void> {
    const { projection, store } = this.options;
    // Catch-up reads whole pages and applies them synchronously: no promise per event. Pages of
    // 512 measured fastest (larger ones cost more in garbage collection than they save).
    const takeTurn = turnTaker();
    while (this.runnerState === 'catching-up' && !this.abort.signal.aborted) {
      const page = await store.readAll({ fromPosition: projection.position + 1, limit: CATCH_UP_PAGE });
      this.applied(page);
      if (page.length === 0) break;
      await takeTurn();
    }
    const events = store.subscribe({ fromPosition: projection.position + 1, signal: this.abort.signal });
    const iterator = events[Symbol.asyncIterator]();
    let page: RecordedEvent[] = [];
    // The page is applied once the subscription has to wait: a turn later, two for a background model.
    const settle = this.options.background
      ? () => nextTurn().then(() => nextTurn(null))
      : () => nextTurn(null);
    const flush = () => {
      this.applied(page);
      page = [];
    };
    try {
      let pending = iterator.next();
      for (;;) {
        const next = page.length === 0 ? await pending : await Promise.race([pending, settle()]);
        if (next === null) {
          flush();
          continue;
        }
        if (next.done) break;
        page.push(next.value);
        if (page.length >= LIVE_PAGE) flush();
        pending = iterator.next();
      }
      flush();
    } finally {
      // Not awaited: after a failed apply, a pending read may only settle with the next append.
      void iterator.return?.();
    }
  }

  /** Applies a page and does what follows from the new position. */
  private applied(page: readonly RecordedEvent[]): void {
    const { projection, snapshotEvery = Number.POSITIVE_INFINITY } = this.options;
    if (page.length === 0) return;
    projection.applyPage(page);
    if (this.waiters.length > 0) this.release();
    if (this.runnerState === 'catching-up') {
      if (projection.position >= this.targetPosition) this.markCaughtUp();
    } else if (projection.position - this.lastSnapshotPosition >= snapshotEvery) {
      this.writeSnapshot();
    }
  }

  private markCaughtUp(): void {
    const { projection, logger } = this.options;
    projection.onCaughtUp?.();
    this.runnerState = 'live';
    this.writeSnapshot();
    logger?.info({ position: projection.position }, `${this.name} caught up`);
    this.caughtUpResolve();
  }

  private release(): void {
    const { position } = this;
    const pending: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else {
        pending.push(waiter);
      }
    }
    this.waiters = pending;
  }
}
