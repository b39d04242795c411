import type { ReadinessCheck, ReadinessResult } from '@mandate/observability';
import type { EventRelay } from '@mandate/kafka';
import { KafkaReadinessCheck } from '../health/kafka.readiness-check';

/** Below the readiness registry's own timeout, so an unreachable broker reads degraded, not down. */
export const BROKER_PROBE_TIMEOUT_MS = 1_000;

/**
 * Kafka carries events out; the store stays the source of truth, so an unreachable broker
 * degrades the API (the relay keeps retrying and catches up) rather than taking it out of
 * rotation. Replaces the plain broker probe registered under the same name.
 */
export class RelayReadinessCheck implements ReadinessCheck {
  readonly name = 'kafka';

  constructor(
    private readonly broker: Pick<KafkaReadinessCheck, 'check'>,
    private readonly relay: Pick<EventRelay, 'connected' | 'lastFailure' | 'relayedPosition'> | undefined,
  ) {}

  async check(): Promise<ReadinessResult> {
    const relayed = this.relay ? `; relayed through position ${this.relay.relayedPosition}` : '';
    let broker: ReadinessResult;
    try {
      broker = await this.broker.check();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { state: 'degraded', detail: `broker unreachable: ${reason}${relayed}` };
    }
    if (this.relay && !this.relay.connected) {
      return {
        state: 'degraded',
        detail: `relay retrying: ${this.relay.lastFailure ?? 'unknown error'}${relayed}`,
      };
    }
    return { state: 'up', detail: `${broker.detail ?? 'broker reachable'}${relayed}` };
  }
}
