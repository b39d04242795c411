import type { Principal } from '@mandate/auth';
import { CallerRateLimiter } from '../core/caller-rate.limiter';
import { IN_MEMORY_RATE_COUNTERS, type RateCounters } from '../core/rate-counters';

export interface EgressCheckLimit {
  /** Checks one principal may make per `durationSeconds`. */
  points: number;
  durationSeconds: number;
}

/** 100 egress checks per second per principal: a gateway's connections, not a flood. */
export const EGRESS_CHECK_LIMIT: EgressCheckLimit = { points: 100, durationSeconds: 1 };

/**
 * A per-principal rate limit on egress checks (each refusal is evidence to keep, so each check is
 * a potential write): over it, `429 rate-limited` with `Retry-After`.
 */
export class EgressCheckLimiter {
  private readonly rate: CallerRateLimiter;

  constructor(
    limit: EgressCheckLimit = EGRESS_CHECK_LIMIT,
    counters: RateCounters = IN_MEMORY_RATE_COUNTERS,
  ) {
    this.rate = new CallerRateLimiter(limit.points, limit.durationSeconds, 'egress checks', counters);
  }

  admit(principal: Principal): Promise<void> {
    return this.rate.admit(principal);
  }
}
