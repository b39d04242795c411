import { Inject, Injectable } from '@nestjs/common';
import { InvokerRights, type InvokerRightSource } from '@mandate/credentials';
import type { EventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { LOGGER } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';
import { INVOKER_RIGHT_SOURCE } from './invoker-right.source';

/**
 * The API's invoker rights (`InvokerRights`, shared with the gateway): observations recorded by
 * `system:mandate-api`, kept per API instance.
 */
@Injectable()
export class InvokerRightsResolver extends InvokerRights {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(INVOKER_RIGHT_SOURCE) source: InvokerRightSource,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(store, clock, source, logger);
  }
}
