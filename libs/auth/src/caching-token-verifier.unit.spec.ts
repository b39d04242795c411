import { DomainError } from '@mandate/domain';
import { CachingTokenVerifier } from './caching-token-verifier';
import type { Principal } from './principal';
import type { TokenVerifier } from './token-verifier';

const tokenWith = (claims: object) =>
  `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

class CountingVerifier implements TokenVerifier {
  calls = 0;
  refuse = false;
  async verify(): Promise<Principal> {
    this.calls++;
    if (this.refuse) throw new DomainError('unauthorized', 'invalid-token', 'no');
    return { id: 'svc', kind: 'service', scopes: ['permissions:check'] };
  }
}

describe('CachingTokenVerifier', () => {
  it('given a verified token, when presented again before it expires, then it is not verified again', async () => {
    let now = 1_000_000;
    const inner = new CountingVerifier();
    const verifier = new CachingTokenVerifier(inner, { now: () => now });
    const token = tokenWith({ sub: 'svc', exp: now / 1000 + 30 });

    await verifier.verify(token);
    now += 29_000;
    const again = await verifier.verify(token);

    expect(again.id).toBe('svc');
    expect(inner.calls).toBe(1);
  });

  it('given a cached token, when it has expired, then it is verified again (and refused)', async () => {
    let now = 1_000_000;
    const inner = new CountingVerifier();
    const verifier = new CachingTokenVerifier(inner, { now: () => now });
    const token = tokenWith({ sub: 'svc', exp: now / 1000 + 30 });
    await verifier.verify(token);

    now += 30_000;
    inner.refuse = true;

    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'invalid-token' });
    expect(inner.calls).toBe(2);
  });

  it('given a refused token, when presented again, then it is verified again', async () => {
    const inner = new CountingVerifier();
    inner.refuse = true;
    const verifier = new CachingTokenVerifier(inner);
    const token = tokenWith({ sub: 'svc', exp: Date.now() / 1000 + 30 });

    await expect(verifier.verify(token)).rejects.toBeInstanceOf(DomainError);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(DomainError);
    expect(inner.calls).toBe(2);
  });

  it('given the bound is reached, when a new token verifies, then the oldest entry is dropped', async () => {
    const inner = new CountingVerifier();
    const verifier = new CachingTokenVerifier(inner, { maxEntries: 2 });
    const exp = Date.now() / 1000 + 60;
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => tokenWith({ sub, exp }));

    for (const token of [a, b, c, b, a]) await verifier.verify(token);

    expect(inner.calls).toBe(4);
  });

  it('given a verified token, when recalled before it expires, then its principal comes back without verifying', async () => {
    let now = 1_000_000;
    const inner = new CountingVerifier();
    const verifier = new CachingTokenVerifier(inner, { now: () => now });
    const token = tokenWith({ sub: 'svc', exp: now / 1000 + 30 });
    await verifier.verify(token);

    now += 29_000;
    const recalled = verifier.recall(token);

    expect(recalled).toEqual({ id: 'svc', kind: 'service', scopes: ['permissions:check'] });
    expect(inner.calls).toBe(1);
  });

  it('given a token never verified or since expired, when recalled, then nothing comes back', async () => {
    let now = 1_000_000;
    const verifier = new CachingTokenVerifier(new CountingVerifier(), { now: () => now });
    const token = tokenWith({ sub: 'svc', exp: now / 1000 + 30 });

    expect(verifier.recall(token)).toBeUndefined();
    await verifier.verify(token);
    now += 30_000;
    expect(verifier.recall(token)).toBeUndefined();
  });
});
