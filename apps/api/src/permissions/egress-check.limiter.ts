import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '@mandate/auth';
import { DomainError } from '@mandate/domain';

export interface EgressCheckLimit {
  /** Checks one principal may make per `durationSeconds`. */
  points: number;
  durationSeconds: number;
}

/** 100 egress checks per second per principal: a gateway's connections, not a flood. */
export const EGRESS_CHECK_LIMIT: EgressCheckLimit = { points: 100, durationSeconds: 1 };

/**
 * A per-principal rate limit on egress checks (each refusal is evidence to keep, so each check is
 * a potential write): over it, `429 rate-limited` with `Retry-After`. In memory, per API instance.
 */
export class EgressCheckLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(limit: EgressCheckLimit = EGRESS_CHECK_LIMIT) {
    this.limiter = new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds });
  }

  async admit(principal: Principal): Promise<void> {
    try {
      await this.limiter.consume(`${principal.kind}:${principal.id}`);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new DomainError(
        'too_many_requests',
        'rate-limited',
        `Too many egress checks by this caller; retry in ${retryAfterSeconds} s`,
        [],
        { retryAfterSeconds },
      );
    }
  }
}
