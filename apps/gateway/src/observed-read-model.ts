import type { RecordedEvent } from '@mandate/event-store';
import type { ReadModel } from '@mandate/projections';

/**
 * The read model as the runner feeds it, with `observe` told each page in the same step: what the
 * gateway keeps beside its projection (decrypted credentials, leased tokens) is dropped the moment
 * the projection passes the event that makes it stale, never later.
 */
export function observed(model: ReadModel, observe: (events: readonly RecordedEvent[]) => void): ReadModel {
  return {
    get position() {
      return model.position;
    },
    get failures() {
      return model.failures;
    },
    applyPage: (events) => {
      model.applyPage(events);
      observe(events);
    },
    onCaughtUp: model.onCaughtUp?.bind(model),
    snapshot: model.snapshot?.bind(model),
    restore: model.restore?.bind(model),
    head: model.head?.bind(model),
    reset: model.reset?.bind(model),
  };
}
