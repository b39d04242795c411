import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrincipalRef } from '@mandate/auth';
import { DomainError } from '@mandate/domain';

/**
 * A rate per caller, in memory (so per API instance): over it, `429 rate-limited` with
 * `Retry-After`. Every bounded cheap write of the API counts through one of these. Callers are
 * counted as principals, the pair (kind, subject), within a scope (a workspace, say): a service
 * sharing a user's subject has a budget of its own and spends none of the user's.
 */
export class CallerRateLimiter {
  private readonly limiter: RateLimiterMemory;

  /** `what` names the counted thing in the refusal ("access requests", "egress checks"). */
  constructor(
    points: number,
    durationSeconds: number,
    private readonly what: string,
  ) {
    this.limiter = new RateLimiterMemory({ points, duration: durationSeconds });
  }

  async admit(principal: PrincipalRef, within = ''): Promise<void> {
    // JSON keeps the parts apart whatever characters a subject holds.
    const key = JSON.stringify([within, principal.kind, principal.id]);
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
