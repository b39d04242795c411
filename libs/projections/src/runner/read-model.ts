import type { RecordedEvent } from '@mandate/event-store';

/** What a snapshot of an in-memory read model carries besides its state: the checkpoint. */
export interface ReadModelSnapshot {
  /** Global position of the last event applied. */
  position: number;
  /** Hash of the event at `position`, so a snapshot is never resumed against a different log. */
  lastHash: string | null;
}

/**
 * A read model the one `ProjectionRunner` feeds from the log: the effective permissions, the access
 * requests inbox, the audit index. It is told events in position order, a page at a time, and says
 * how far it got; the runner does the catching up, the following, the waits for a position and
 * the readiness report, so each model holds only its own folding.
 *
 * A model kept in memory may be snapshotted by the runner (`snapshot`/`restore`); a model that
 * keeps itself on disk names the last event it holds (`head`) and can start again empty (`reset`).
 * Either way the runner resumes it only after an event the log still holds, with the same hash.
 */
export interface ReadModel {
  /** Global position of the last event applied or passed over (0: none yet). */
  readonly position: number;
  /**
   * Applies events in position order, skipping those at or below `position` (delivery is at least
   * once). A page is what arrived together: one transaction for a model on disk.
   */
  applyPage(events: readonly RecordedEvent[]): void;
  /** Events that could not be applied and were skipped (a projection never stops for one). */
  readonly failures?: number;
  /** Once everything in the log at start is applied, before the model serves (e.g. to compile). */
  onCaughtUp?(): void;
  snapshot?(): ReadModelSnapshot;
  restore?(snapshot: ReadModelSnapshot): void;
  head?(): { position: number; hash: string } | null;
  reset?(): void;
}

/** What `/readyz` shows for a read model (the shape of a readiness check's result). */
export interface ReadModelHealth {
  state: 'up' | 'down';
  detail: string;
}

export interface RunnerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}
