import { legacyAccessRequestStreamId } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { ReadModel } from '@mandate/projections';

/** Requests of one workspace that a page of the log changed, and the position the view reached. */
export interface AccessRequestChange {
  requestIds: string[];
  position: number;
}

export type ChangeListener = (change: AccessRequestChange) => void;

const streamPrefix = legacyAccessRequestStreamId('');

/**
 * Tells listeners which requests of their workspace changed, once the access-requests view has
 * applied them: the live updates of the console come from the same subscription as the inbox, so
 * a client told of a change and reading the inbox again sees it. Listeners of one workspace hear
 * nothing of another's requests.
 */
export class AccessRequestChanges {
  private readonly listeners = new Map<string, Set<ChangeListener>>();

  /** The view's model, telling its changes after each page it applied. */
  observe(model: ReadModel): ReadModel {
    return {
      get position() {
        return model.position;
      },
      get failures() {
        return model.failures;
      },
      applyPage: (events) => {
        model.applyPage(events);
        this.publish(events, model.position);
      },
      // A model kept on disk is resumed by the runner after the event it holds last.
      head: model.head && (() => model.head?.() ?? null),
      reset: model.reset && (() => model.reset?.()),
    };
  }

  /** Listens to a workspace's changes until the returned function is called. */
  listen(workspaceId: string, listener: ChangeListener): () => void {
    let inWorkspace = this.listeners.get(workspaceId);
    if (inWorkspace === undefined) {
      inWorkspace = new Set();
      this.listeners.set(workspaceId, inWorkspace);
    }
    inWorkspace.add(listener);
    return () => {
      inWorkspace.delete(listener);
      if (inWorkspace.size === 0 && this.listeners.get(workspaceId) === inWorkspace) {
        this.listeners.delete(workspaceId);
      }
    };
  }

  private publish(events: readonly RecordedEvent[], position: number): void {
    if (this.listeners.size === 0) return;
    const changed = new Map<string, Set<string>>();
    for (const event of events) {
      if (!event.streamId.startsWith(streamPrefix) || !this.listeners.has(event.workspaceId)) continue;
      const { requestId } = event.data as { requestId?: unknown };
      if (typeof requestId !== 'string') continue;
      const ids = changed.get(event.workspaceId) ?? new Set<string>();
      ids.add(requestId);
      changed.set(event.workspaceId, ids);
    }
    for (const [workspaceId, ids] of changed) {
      const change = { requestIds: [...ids], position };
      // A copy: a listener may stop listening while being told.
      for (const listener of [...(this.listeners.get(workspaceId) ?? [])]) listener(change);
    }
  }
}
