import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { type CredentialKind, DomainError } from '@mandate/domain';
import { ReadinessRegistry, type Logger } from '@mandate/observability';
import { CredentialUseReadModel, type LiveLease, ProjectionRunner } from '@mandate/projections';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';

export type { LiveLease };

/**
 * How the agent's credentials are being used (`CredentialUseReadModel`): the leases live in each
 * channel and when each credential was last used, fed from the log (the worker and the gateway
 * append in other processes). Its own module, below both the permissions and the lease modules,
 * so `effective-identity` shows leases without the read side depending on the lease side.
 * `/readyz` reports `credential-use` as down until it has read what was in the log at start; a
 * snapshot beside the permissions' (`projections/credential-use.json`) spares a restart the fold.
 */
@Injectable()
export class CredentialUseView implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly model: CredentialUseReadModel;
  private readonly runner: ProjectionRunner;

  private readonly waitMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) logger: Logger,
    readiness: ReadinessRegistry,
  ) {
    this.model = new CredentialUseReadModel({
      onFailure: ({ position, type, error }) =>
        logger.error({ position, type, err: error }, 'credential-use view skipped an event'),
    });
    this.runner = new ProjectionRunner({
      name: 'credential-use view',
      store,
      projection: this.model,
      // A restart resumes from the live leases instead of folding every lease ever issued.
      snapshotPath: join(config.DATA_DIR, 'projections', 'credential-use.json'),
      snapshotEvery: config.PROJECTION_SNAPSHOT_EVERY,
      logger,
    });
    readiness.register({ name: 'credential-use', check: async () => this.runner.health() });
    this.waitMs = config.CHECK_MIN_POSITION_WAIT_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  get position(): number {
    return this.model.position;
  }

  /** Whether the view holds `position` within `timeoutMs` (read-your-writes for its callers). */
  reach(position: number, timeoutMs: number): Promise<boolean> {
    return this.runner.waitForPosition(position, timeoutMs);
  }

  /** Waits (bounded) until the view holds everything in the log now: a metadata read sees prior uses. */
  async reachHead(timeoutMs: number): Promise<void> {
    await this.reach(await this.store.headPosition(), timeoutMs);
  }

  /**
   * Waits (bounded) until the view holds `position` — the head a decision was taken at, so what it
   * reads here is the log as of that decision — and refuses (409 position-not-reached) otherwise.
   */
  async requirePosition(position: number): Promise<void> {
    if (await this.reach(position, this.waitMs)) return;
    throw new DomainError(
      'conflict',
      'position-not-reached',
      `Credentials are not yet current (log position ${position}); retry shortly`,
      [],
      { position: this.model.position, head: position },
    );
  }

  /** The kind of credential the connection holds (undefined: none, or destroyed), as far as the view has read. */
  credentialKind(workspaceId: string, connectionId: string): CredentialKind | undefined {
    return this.model.credentialKind(workspaceId, connectionId);
  }

  liveLeases(workspaceId: string, channelId: string, nowMs: number): LiveLease[] {
    return this.model.liveLeases(workspaceId, channelId, nowMs);
  }

  lastUsedAt(workspaceId: string, connectionId: string): string | null {
    return this.model.lastUsedAt(workspaceId, connectionId) ?? null;
  }
}
