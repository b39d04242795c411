import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '@mandate/domain';

/**
 * A rate per caller key, in memory (so per API instance): over it, `429 rate-limited` with
 * `Retry-After`. Every bounded cheap write of the API counts through one of these.
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

  async admit(key: string): Promise<void> {
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
