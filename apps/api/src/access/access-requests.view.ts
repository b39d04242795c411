import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@mandate/event-store';
import { ReadinessRegistry, type Logger } from '@mandate/observability';
import { type AccessRequestEntry, AccessRequestsReadModel, ProjectionRunner } from '@mandate/projections';
import { LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.module';
import { AccessRequestChanges, type ChangeListener } from './access-request-changes';

export type { AccessRequestEntry };

/**
 * Every access request's state (`AccessRequestsReadModel`), fed from a live subscription to the log
 * (the worker appends in another process), for the lists and the approver inbox. `/readyz` reports
 * `access-requests` as down until the view has read everything that was in the log at start, so a
 * restarted API never serves a partial inbox as a complete one.
 */
@Injectable()
export class AccessRequestsView implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly model: AccessRequestsReadModel;
  private readonly runner: ProjectionRunner;
  private readonly changes = new AccessRequestChanges();

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LOGGER) logger: Logger,
    readiness: ReadinessRegistry,
  ) {
    this.model = new AccessRequestsReadModel({
      onFailure: ({ position, type, error }) =>
        logger.error({ position, type, err: error }, 'access-requests view skipped an event'),
    });
    this.runner = new ProjectionRunner({
      name: 'access-requests view',
      store,
      projection: this.changes.observe(this.model),
      logger,
    });
    readiness.register({ name: 'access-requests', check: async () => this.runner.health() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  inWorkspace(workspaceId: string): AccessRequestEntry[] {
    return this.model.inWorkspace(workspaceId);
  }

  get(workspaceId: string, requestId: string): AccessRequestEntry | undefined {
    return this.model.get(workspaceId, requestId);
  }

  /** True once the view has applied `position`; false if it did not within `timeoutMs`. */
  reached(position: number, timeoutMs: number): Promise<boolean> {
    return this.runner.waitForPosition(position, timeoutMs);
  }

  /** Position of the last event the view applied. */
  get position(): number {
    return this.model.position;
  }

  /** Tells `listener` of the workspace's requests the view changed, until the returned function is called. */
  onChange(workspaceId: string, listener: ChangeListener): () => void {
    return this.changes.listen(workspaceId, listener);
  }
}
