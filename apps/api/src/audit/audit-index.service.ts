import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditIndex, auditIndexPathFor, followLog } from '@mandate/audit';
import type { AppConfig } from '@mandate/config';
import { auditFiles, type EventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';

/**
 * Owns the audit index file (next to the events file) and keeps it following the log while the
 * API runs. Opened at construction so requests never meet a missing index; it is rebuilt from the
 * log by the follower when new or stale.
 */
@Injectable()
export class AuditIndexService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly index: AuditIndex;
  private readonly abort = new AbortController();
  private readonly indexed = new EventEmitter();
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.index = AuditIndex.open(auditIndexPathFor(auditFiles(config).events));
    this.indexed.setMaxListeners(0);
  }

  onApplicationBootstrap(): void {
    this.running = followLog(this.index, this.store, {
      signal: this.abort.signal,
      onIndexed: (position) => this.indexed.emit('indexed', position),
    }).catch((error: unknown) => {
      if (!this.abort.signal.aborted)
        this.logger.error({ err: error }, 'audit index stopped following the log');
    });
  }

  /** Resolves once the index holds `position`, or after `timeoutMs` (the caller reports how far it got). */
  waitFor(position: number, timeoutMs: number): Promise<void> {
    if (this.index.position >= position) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.indexed.off('indexed', onIndexed);
        resolve();
      };
      const onIndexed = (indexed: number) => indexed >= position && done();
      const timer = setTimeout(done, timeoutMs);
      this.indexed.on('indexed', onIndexed);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.index.close();
  }
}
