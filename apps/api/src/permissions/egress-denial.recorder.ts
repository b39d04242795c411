import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '@mandate/auth';
import type { EventStore } from '@mandate/event-store';
import { type EgressDenial, EgressDenialLog } from '@mandate/gateway';
import { currentRequestId } from '@mandate/observability';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';

export type { EgressDenial };

/**
 * Refused egress checks as `EgressDenied` events, through the `EgressDenialLog` the egress gateway
 * records its refusals with: at most one event per (workspace, channel, host, port) and minute,
 * the first refusal written before the check answers, the rest counted and written when their
 * minute has passed (looked for every 5 s) or when the API stops.
 */
@Injectable()
export class EgressDenialRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: EgressDenialLog;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CLOCK) clock: Clock) {
    this.log = new EgressDenialLog({ store, nowMs: () => clock.now().getTime() });
  }

  onApplicationBootstrap(): void {
    this.log.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.log.stop();
  }

  /** Counts a refusal; resolves once it is durable if it opens a window, at once otherwise. */
  record(principal: Principal, denial: EgressDenial): Promise<void> {
    return this.log.record(principal, denial, currentRequestId() ?? uuidv7());
  }

  /** Writes the counts whose minute has passed (the timer's work; tests call it with their clock). */
  flushDue(nowMs: number): Promise<void> {
    return this.log.flushDue(nowMs);
  }
}
