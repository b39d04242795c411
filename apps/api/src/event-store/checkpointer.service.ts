import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import {
  auditFiles,
  Checkpointer,
  loadCheckpointSigningKey,
  SignedCheckpointStore,
  type EventStore,
} from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from './event-store.tokens';

/**
 * Signs the chain head every CHECKPOINT_EVERY_EVENTS events, following the log, into the
 * checkpoints file under DATA_DIR: apart from the log whatever the store, so someone able to
 * rewrite the database cannot rewrite the signatures with it (on several API nodes, each keeps a
 * file of its own, signed with the one key). The signing key is loaded (or, outside production,
 * generated with a warning) at start so a missing key fails the boot, not the first checkpoint.
 */
@Injectable()
export class CheckpointerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly abort = new AbortController();
  private running: Promise<void> = Promise.resolve();
  private checkpoints?: SignedCheckpointStore;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const files = auditFiles(this.config);
    const key = loadCheckpointSigningKey({
      path: this.config.CHECKPOINT_SIGNING_KEY_PATH,
      dataDir: this.config.DATA_DIR,
      production: this.config.NODE_ENV === 'production',
      warn: (message) => this.logger.warn({ path: files.signingKey }, message),
    });
    this.checkpoints = SignedCheckpointStore.open(files.checkpoints);
    const checkpointer = new Checkpointer({
      checkpoints: this.checkpoints,
      key,
      every: this.config.CHECKPOINT_EVERY_EVENTS,
      onError: (message) => this.logger.error(message),
    });
    this.running = checkpointer.run(this.store, this.abort.signal).catch((error: unknown) => {
      if (!this.abort.signal.aborted) this.logger.error({ err: error }, 'checkpointer stopped');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.checkpoints?.close();
  }
}
