import { type EventStore, turnTaker } from '@mandate/event-store';
import type { EffectivePermissionsProjection, ProjectionSnapshot } from './effective-permissions.projection';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file';

export interface RunnerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ProjectionRunnerOptions {
  store: Pick<EventStore, 'subscribe' | 'headPosition' | 'readAll'>;
  projection: EffectivePermissionsProjection;
  /** Where the snapshot (state + checkpoint) lives; none: every start rebuilds from position 1. */
  snapshotPath?: string;
  /** Snapshot after this many events applied while live (and when catch-up ends, and on stop). */
  snapshotEvery: number;
  logger?: RunnerLogger;
}

interface Waiter {
  position: number;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

export type RunnerState = 'stopped' | 'catching-up' | 'live' | 'failed';

const CATCH_UP_PAGE = 512;

/**
 * Feeds the projection from the store's subscription, starting after the snapshot's position.
 * "Caught up" means it has applied everything that was in the log when it started; readiness
 * reports `catching-up` until then. Waits for a position (`minPosition`) wake as events apply.
 */
export class ProjectionRunner {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private targetPosition = 0;
  private runnerState: RunnerState = 'stopped';
  private caughtUpResolve: () => void = () => undefined;
  private readonly caughtUpPromise = new Promise<void>((resolve) => (this.caughtUpResolve = resolve));
  private lastSnapshotPosition = 0;

  constructor(private readonly options: ProjectionRunnerOptions) {}

  get state(): RunnerState {
    return this.runnerState;
  }

  /** Position the projection must reach to be caught up (the log's head when it started). */
  get target(): number {
    return this.targetPosition;
  }

  get position(): number {
    return this.options.projection.position;
  }

  /** Restores the snapshot (if usable) and starts consuming; resolves once consuming has begun. */
  async start(): Promise<void> {
    const { projection, store } = this.options;
    await this.restore();
    this.lastSnapshotPosition = projection.position;
    this.targetPosition = await store.headPosition();
    this.runnerState = 'catching-up';
    if (projection.position >= this.targetPosition) this.markCaughtUp();
    this.loop = this.consume().catch((error: unknown) => {
      this.runnerState = 'failed';
      this.options.logger?.error({ err: error }, 'effective-permissions projection stopped');
    });
  }

  whenCaughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  /** Resolves true once the projection has applied `position`, false after `timeoutMs`. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    if (this.options.projection.position >= position) return Promise.resolve(true);
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
    if (snapshotPath === undefined || projection.position === this.lastSnapshotPosition) return;
    writeSnapshotFile(snapshotPath, JSON.stringify(projection.snapshot()));
    this.lastSnapshotPosition = projection.position;
  }

  private async consume(): Promise<void> {
    const { projection, store, snapshotEvery } = this.options;
    // Catch-up reads whole pages and applies them synchronously: no promise per event. Pages of
    // 512 measured fastest (larger ones cost more in garbage collection than they save).
    const takeTurn = turnTaker();
    while (this.runnerState === 'catching-up' && !this.abort.signal.aborted) {
      const page = await store.readAll({ fromPosition: projection.position + 1, limit: CATCH_UP_PAGE });
      for (const event of page) projection.apply(event);
      if (this.waiters.length > 0) this.release();
      if (projection.position >= this.targetPosition) this.markCaughtUp();
      else if (page.length === 0) break;
      else await takeTurn();
    }
    for await (const event of store.subscribe({
      fromPosition: projection.position + 1,
      signal: this.abort.signal,
    })) {
      projection.apply(event);
      if (this.waiters.length > 0) this.release();
      if (this.runnerState === 'catching-up') {
        if (projection.position >= this.targetPosition) this.markCaughtUp();
      } else if (projection.position - this.lastSnapshotPosition >= snapshotEvery) {
        this.writeSnapshot();
      }
    }
  }

  private markCaughtUp(): void {
    const { projection, logger } = this.options;
    projection.compileAll();
    this.runnerState = 'live';
    this.writeSnapshot();
    logger?.info({ position: projection.position }, 'effective-permissions projection caught up');
    this.caughtUpResolve();
  }

  private release(): void {
    const position = this.options.projection.position;
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

  /** A snapshot is used only if the log still holds the event it ends at, with the same hash. */
  private async restore(): Promise<void> {
    const { projection, store, snapshotPath, logger } = this.options;
    if (snapshotPath === undefined) return;
    let snapshot: ProjectionSnapshot;
    try {
      const text = readSnapshotFile(snapshotPath);
      if (text === undefined) return;
      snapshot = JSON.parse(text) as ProjectionSnapshot;
    } catch (error) {
      logger?.warn({ err: error, path: snapshotPath }, 'unreadable projection snapshot: rebuilding');
      return;
    }
    if (snapshot.position > 0) {
      const [last] = await store.readAll({ fromPosition: snapshot.position, limit: 1 });
      if (last?.hash !== snapshot.lastHash) {
        logger?.warn(
          { path: snapshotPath, position: snapshot.position },
          'projection snapshot does not match the log: rebuilding',
        );
        return;
      }
    }
    try {
      projection.restore(snapshot);
    } catch (error) {
      logger?.warn({ err: error, path: snapshotPath }, 'unusable projection snapshot: rebuilding');
      return;
    }
    logger?.info({ position: snapshot.position }, 'effective-permissions projection restored');
  }
}
