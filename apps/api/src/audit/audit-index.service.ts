import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditIndex, auditIndexPathFor } from '@mandate/audit';
import type { AppConfig } from '@mandate/config';
import { auditFiles, type EventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { ProjectionRunner } from '@mandate/projections';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';

/**
 * Owns the audit index file (next to the events file) and keeps it following the log while the
 * API runs. Opened at construction so requests never meet a missing index; the runner rebuilds it
 * from the log when new or stale.
 */
@Injectable()
export class AuditIndexService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly index: AuditIndex;
  private readonly runner: ProjectionRunner;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.index = AuditIndex.open(auditIndexPathFor(auditFiles(config).events), { checkpoints: 'thread' });
    // No permission check reads it: a check sent right after a write is served before its work.
    this.runner = new ProjectionRunner({
      name: 'audit index',
      store,
      projection: this.index,
      logger,
      background: true,
    });
  }

  /** Not awaited: queries answer from what is indexed, and wait for a position when they must. */
  onApplicationBootstrap(): void {
    this.starting = this.runner.start().catch((error: unknown) => {
      this.logger.error({ err: error }, 'audit index could not start following the log');
    });
  }

  /** Resolves once the index holds `position`, or after `timeoutMs` (the caller reports how far it got). */
  async waitFor(position: number, timeoutMs: number): Promise<void> {
    await this.runner.waitForPosition(position, timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.starting;
    await this.runner.stop();
    this.index.close();
  }
}
