import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { ReadinessRegistry, type Logger } from '@mandate/observability';
import {
  type AccessRequestEntry,
  type AccessRequestFilter,
  AccessRequestsReadModel,
  ProjectionRunner,
} from '@mandate/projections';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.module';
import { AccessRequestChanges, type ChangeListener } from './access-request-changes';

export type { AccessRequestEntry, AccessRequestFilter };

/** The view's file in the data directory: every request's state, and the position it reached. */
export const accessRequestsPathFor = (config: Pick<AppConfig, 'DATA_DIR'>): string =>
  join(config.DATA_DIR, 'projections', 'access-requests.sqlite');

/**
 * Access requests' states (`AccessRequestsReadModel`: open ones in memory, every one in its file),
 * fed from a live subscription to the log (the worker appends in another process), for the lists
 * and the approver inbox. A restart resumes after the position the file holds. `/readyz` reports
 * `access-requests` as down until the view has read everything that was in the log at start, so a
 * restarted API never serves a partial inbox as a complete one.
 */
@Injectable()
export class AccessRequestsView implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly model: AccessRequestsReadModel;
  private readonly runner: ProjectionRunner;
  private readonly changes = new AccessRequestChanges();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) logger: Logger,
    readiness: ReadinessRegistry,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'DATA_DIR'>,
  ) {
    this.model = new AccessRequestsReadModel({
      path: config === undefined ? undefined : accessRequestsPathFor(config),
      onFailure: ({ position, type, error }) =>
        logger.error({ position, type, err: error }, 'access-requests view skipped an event'),
    });
    this.runner = new ProjectionRunner({
      name: 'access-requests view',
      store,
      projection: this.changes.observe(this.model),
      logger,
      // Not a background model: the open-request quota counts from it (and waits for it, see
      // AccessRequestLimits), so it applies with the effective permissions.
    });
    readiness.register({ name: 'access-requests', check: async () => this.runner.health() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.model.close();
  }

  /** The workspace's open requests (pending, or active), held in memory. */
  openIn(workspaceId: string): AccessRequestEntry[] {
    return this.model.openIn(workspaceId);
  }

  /** Workspaces holding at least one open request. */
  workspacesWithOpenRequests(): string[] {
    return this.model.workspacesWithOpenRequests();
  }

  /** The workspace's requests, ended ones included, in order after `after`, read as the caller walks. */
  inOrder(
    workspaceId: string,
    filter: AccessRequestFilter,
    after?: readonly [string, string],
  ): Iterable<AccessRequestEntry> {
    return this.model.inOrder(workspaceId, filter, after);
  }

  get(workspaceId: string, requestId: string): AccessRequestEntry | undefined {
    return this.model.get(workspaceId, requestId);
  }

  /** True once the view has applied `position`; false if it did not within `timeoutMs`. */
  reached(position: number, timeoutMs: number): Promise<boolean> {
    return this.runner.waitForPosition(position, timeoutMs);
  }

  /** True once the view holds every event the log held when asked; false if not within `timeoutMs`. */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    return this.runner.waitForPosition(await this.store.headPosition(), timeoutMs);
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
