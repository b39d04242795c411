import { accessSync, constants } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { ensurePrivateDir, type EventStore } from '@mandate/event-store';
import { ReadinessRegistry, type ReadinessCheck, type ReadinessResult } from '@mandate/observability';
import { EVENT_STORE } from '../event-store/event-store.tokens';

/**
 * Default event-store probe. With a store at hand it reads the head position (the store answers);
 * without one (the store module registers its own check under the same name when it starts) it
 * checks that the SQLite data directory is writable.
 */
export class EventStoreReadinessCheck implements ReadinessCheck {
  readonly name = 'event-store';

  constructor(private readonly target: { store: Pick<EventStore, 'headPosition'> } | { dataDir: string }) {}

  async check(): Promise<ReadinessResult> {
    if ('store' in this.target) {
      const head = await this.target.store.headPosition();
      return { state: 'up', detail: `head position ${head}` };
    }
    ensurePrivateDir(this.target.dataDir);
    accessSync(this.target.dataDir, constants.W_OK);
    return { state: 'up', detail: `data directory ${this.target.dataDir} is writable` };
  }
}

/** Once the app has its store, `/readyz` probes that store instead of the data directory. */
@Injectable()
export class EventStoreReadiness {
  constructor(@Inject(EVENT_STORE) store: EventStore, readiness: ReadinessRegistry) {
    readiness.register(new EventStoreReadinessCheck({ store }));
  }
}
