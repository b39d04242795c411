import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { PrincipalRef } from '@mandate/auth';
import { DomainError } from '@mandate/domain';
import { IN_MEMORY_RATE_COUNTERS, type RateCounters } from './rate-counters';

/**
 * A rate per caller: over it, `429 rate-limited` with `Retry-After`. Every bounded cheap write of
 * the API counts through one of these. Callers are counted as principals, the pair (kind,
 * subject), within a scope (a workspace, say): a service sharing a user's subject has a budget of
 * its own and spends none of the user's. Counted where `counters` keep them: in this process, or
 * in PostgreSQL, where every API node on the same database spends from one budget.
 */
export class CallerRateLimiter {
  private readonly limiter: RateLimiterAbstract;

  /** `what` names the counted thing in the refusal ("access requests", "egress checks") and its counter. */
  constructor(
    points: number,
    durationSeconds: number,
    private readonly what: string,
    counters: RateCounters = IN_MEMORY_RATE_COUNTERS,
  ) {
    this.limiter = counters.counter(what.replace(/[^a-z0-9]+/gi, '-'), points, durationSeconds);
  }

  async admit(principal: PrincipalRef, within = ''): Promise<void> {
    // JSON keeps the parts apart whatever characters a subject holds; the digest keeps a key of
    // any length within a stored counter's column.
    const key = createHash('sha256')
      .update(JSON.stringify([within, principal.kind, principal.id]))
      .digest('base64url');
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new DomainError(
        'too_many_requests',
        'rate-limited',
        `Too many ${this.what} by this caller; retry in ${retryAfterSeconds} s`,
        [],
        { retryAfterSeconds },
      );
    }
  }
}
