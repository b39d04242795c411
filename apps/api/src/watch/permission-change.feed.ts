import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  organizationChangesOf,
  organizationOfStream,
  type PermissionChange,
  permissionChangeOf,
} from '@mandate/projections';
import { ProjectionService } from '../core/projection.service';

export type ChangeListener = (changes: readonly PermissionChange[]) => void;

/**
 * The workspace's permission changes as the effective-permissions projection applies them: each
 * event is told before it is applied (so an ending grant is still known) and the page's changes
 * are published once it is applied (so a listener that checks again sees them). Only workspaces
 * someone listens to cost anything.
 */
@Injectable()
export class PermissionChangeFeed implements OnModuleDestroy {
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly pending = new Map<string, PermissionChange[]>();
  private readonly stopObserving: () => void;

  constructor(projections: ProjectionService) {
    this.stopObserving = projections.projection.observe({
      beforeApply: (event, grantOf) => {
        // An organization's event reaches its members, who are never its envelope's tenant.
        const organizationId = organizationOfStream(event.streamId);
        if (organizationId !== undefined) {
          const members = projections.projection.organizationMembers(organizationId);
          for (const change of organizationChangesOf(event, members)) this.hold(change);
          return;
        }
        if (!this.listeners.has(event.workspaceId)) return;
        const change = permissionChangeOf(event, grantOf);
        if (change === undefined) return;
        const inWorkspace = this.pending.get(event.workspaceId);
        if (inWorkspace) inWorkspace.push(change);
        else this.pending.set(event.workspaceId, [change]);
      },
      afterPage: () => this.publish(),
    });
  }

  /** Listens to a workspace's changes until the returned function is called. */
  listen(workspaceId: string, listener: ChangeListener): () => void {
    let inWorkspace = this.listeners.get(workspaceId);
    if (inWorkspace === undefined) this.listeners.set(workspaceId, (inWorkspace = new Set()));
    inWorkspace.add(listener);
    return () => {
      inWorkspace.delete(listener);
      if (inWorkspace.size === 0 && this.listeners.get(workspaceId) === inWorkspace) {
        this.listeners.delete(workspaceId);
      }
    };
  }

  private hold(change: PermissionChange): void {
    if (!this.listeners.has(change.workspaceId)) return;
    const inWorkspace = this.pending.get(change.workspaceId);
    if (inWorkspace) inWorkspace.push(change);
    else this.pending.set(change.workspaceId, [change]);
  }

  onModuleDestroy(): void {
    this.stopObserving();
  }

  private publish(): void {
    if (this.pending.size === 0) return;
    for (const [workspaceId, changes] of this.pending) {
      // A copy: a listener may stop listening while being told. A listener never stops the projection.
      for (const listener of [...(this.listeners.get(workspaceId) ?? [])]) {
        try {
          listener(changes);
        } catch {
          // the listener's stream ends on its own errors
        }
      }
    }
    this.pending.clear();
  }
}
