import type { PrincipalRef } from '@mandate/auth';
import { DomainError } from '@mandate/domain';
import { CallerRateLimiter } from './caller-rate.limiter';

const user = (id: string): PrincipalRef => ({ kind: 'user', id });

describe('a rate per caller', () => {
  it('given two points a minute, when a caller makes a third call, then it is refused 429 rate-limited with a wait', async () => {
    const limiter = new CallerRateLimiter(2, 60, 'widgets');
    await limiter.admit(user('alice'), 'ws-acme');
    await limiter.admit(user('alice'), 'ws-acme');

    const refusal = await limiter.admit(user('alice'), 'ws-acme').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ kind: 'too_many_requests', code: 'rate-limited' });
    expect((refusal as DomainError).message).toMatch(/^Too many widgets by this caller; retry in \d+ s$/);
    expect((refusal as DomainError).details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('given one caller at its limit, when another caller calls, then the other is admitted', async () => {
    const limiter = new CallerRateLimiter(1, 60, 'widgets');
    await limiter.admit(user('alice'), 'ws-acme');

    await expect(limiter.admit(user('bob'), 'ws-acme')).resolves.toBeUndefined();
  });

  it('given a user at its limit, when a service with the same subject calls, then the service is admitted', async () => {
    const limiter = new CallerRateLimiter(1, 60, 'widgets');
    await limiter.admit(user('alice'), 'ws-acme');

    await expect(limiter.admit({ kind: 'service', id: 'alice' }, 'ws-acme')).resolves.toBeUndefined();
    await expect(limiter.admit(user('alice'), 'ws-acme')).rejects.toMatchObject({ code: 'rate-limited' });
  });

  it('given a caller at its limit in one scope, when it calls in another, then it is admitted', async () => {
    const limiter = new CallerRateLimiter(1, 60, 'widgets');
    await limiter.admit(user('alice'), 'ws-acme');

    await expect(limiter.admit(user('alice'), 'ws-globex')).resolves.toBeUndefined();
  });
});
