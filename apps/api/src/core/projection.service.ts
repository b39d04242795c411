import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DomainError } from '@mandate/domain';
import type { AppConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { ReadinessRegistry, type Logger } from '@mandate/observability';
import { EffectivePermissionsProjection, PermissionsHistory, ProjectionRunner } from '@mandate/projections';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.module';
import { PROJECTION_EVENTS, type ProjectionEvents } from '../kafka/projection-events';

export const snapshotPathFor = (config: Pick<AppConfig, 'DATA_DIR'>): string =>
  join(config.DATA_DIR, 'projections', 'effective-permissions.json');

/**
 * The process's effective-permission projection: restored from its snapshot and fed from the
 * store from boot to shutdown. `/readyz` reports `projection` as down (`catching-up`) until it has
 * applied everything that was in the log at start.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly projection: EffectivePermissionsProjection;
  readonly runner: ProjectionRunner;
  readonly history: PermissionsHistory;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) logger: Logger,
    readiness: ReadinessRegistry,
    @Optional() @Inject(PROJECTION_EVENTS) private readonly replica?: ProjectionEvents | null,
  ) {
    this.projection = new EffectivePermissionsProjection({
      onFailure: ({ position, type, error }) =>
        logger.error({ position, type, err: error }, 'effective-permissions projection skipped an event'),
      atRetentionMs: config.AT_RETENTION_DAYS * 86_400_000,
    });
    this.runner = new ProjectionRunner({
      name: 'effective-permissions projection',
      store: replica ?? store,
      projection: this.projection,
      snapshotPath: snapshotPathFor(config),
      snapshotEvery: config.PROJECTION_SNAPSHOT_EVERY,
      logger,
    });
    this.history = new PermissionsHistory(store, this.projection);
    readiness.register({ name: 'projection', check: async () => this.runner.health() });
  }

  /**
   * Lets the projection catch up with the log's head as of now, waiting at most
   * CHECK_MIN_POSITION_WAIT_MS: for answers that must reflect every write acknowledged before them.
   * A replica (PROJECTION_SOURCE=kafka) is not fed by its store, whose head may say nothing of the
   * writes: there the position the caller wrote at (`minPosition`) is a head it knows too.
   */
  async reachHead(minPosition = 0): Promise<{ reached: boolean; head: number }> {
    const stored = await this.store.headPosition();
    const head = this.replica ? Math.max(stored, minPosition) : stored;
    const reached = await this.runner.waitForPosition(head, this.config.CHECK_MIN_POSITION_WAIT_MS);
    return { reached, head };
  }

  /** Fed from Kafka rather than from the store (PROJECTION_SOURCE=kafka). */
  get replicated(): boolean {
    return Boolean(this.replica);
  }

  /**
   * The same wait, for decisions that must not be taken on older configuration (agent actions,
   * leases, gateway sessions): refused for now (409 position-not-reached, retry) when the head is
   * not reached in time. Answers the head it waited for (other views may be asked for it too).
   */
  async requireHead(): Promise<number> {
    const { reached, head } = await this.reachHead();
    if (reached) return head;
    throw new DomainError(
      'conflict',
      'position-not-reached',
      `Permissions are not yet current (log position ${head}); retry shortly`,
      [],
      { position: this.projection.position, head },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
