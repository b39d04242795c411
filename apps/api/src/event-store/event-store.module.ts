import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { openAppEventStore, type EventStore } from '@mandate/event-store';
import { APP_CONFIG } from '../app.tokens';

import { CheckpointerService } from './checkpointer.service';
import { EVENT_STORE } from './event-store.tokens';

export { EVENT_STORE };

/** Closes the store last, after in-flight requests have drained. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
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
      useFactory: (config: AppConfig) => openAppEventStore(config),
    },
    EventStoreCloser,
    CheckpointerService,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
