import { DomainError } from '@mandate/domain';
import { CallerRateLimiter } from './caller-rate.limiter';

describe('a rate per caller key', () => {
  it('given two points a minute, when a caller makes a third call, then it is refused 429 rate-limited with a wait', async () => {
    const limiter = new CallerRateLimiter(2, 60, 'widgets');
    await limiter.admit('ws-acme/user:alice');
    await limiter.admit('ws-acme/user:alice');

    const refusal = await limiter.admit('ws-acme/user:alice').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ kind: 'too_many_requests', code: 'rate-limited' });
    expect((refusal as DomainError).message).toMatch(/^Too many widgets by this caller; retry in \d+ s$/);
    expect((refusal as DomainError).details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('given one caller at its limit, when another caller calls, then the other is admitted', async () => {
    const limiter = new CallerRateLimiter(1, 60, 'widgets');
    await limiter.admit('ws-acme/user:alice');

    await expect(limiter.admit('ws-acme/user:bob')).resolves.toBeUndefined();
  });
});
