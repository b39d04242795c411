import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { openAppEventStore, type EventStore } from '@mandate/event-store';
import { APP_CONFIG } from '../app.tokens';
import { RATE_COUNTERS, rateCountersFor, type RateCounters } from '../core/rate-counters';

import { CheckpointerService } from './checkpointer.service';
import { EVENT_STORE } from './event-store.tokens';

export { EVENT_STORE };

/** Closes the store (and the rate counters kept in its database) last, after in-flight requests have drained. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(RATE_COUNTERS) private readonly rates: RateCounters,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.rates.close();
    await this.store.close();
  }
}

/**
 * The event store as a Nest provider. Built from configuration unless a test hands in its own
 * store (`createApiApp(config, { eventStore })`).
 */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      // The store the configuration names (EVENT_STORE); PostgreSQL is ready (tables, LISTEN) before the app starts.
      // SQLite's WAL checkpoints off the request path: a write then a check never waits for one.
      useFactory: (config: AppConfig) =>
        openAppEventStore(config, undefined, { sqliteCheckpoints: 'thread' }),
    },
    {
      provide: RATE_COUNTERS,
      inject: [APP_CONFIG],
      // Callers' rates: in PostgreSQL beside the log when the log is there (one budget for every node).
      useFactory: (config: AppConfig) => rateCountersFor(config),
    },
    EventStoreCloser,
    CheckpointerService,
  ],
  exports: [EVENT_STORE, RATE_COUNTERS],
})
export class EventStoreModule {}
