import { DomainError } from '@mandate/domain';
import { BearerAuthenticator } from './bearer-authenticator';
import type { Principal } from './principal';
import type { TokenVerifier } from './token-verifier';

const TOKEN = 'aaa.bbb.ccc';
const service: Principal = { id: 'svc', kind: 'service', scopes: ['permissions:check'] };

class RememberingVerifier implements TokenVerifier {
  verified = 0;
  constructor(private readonly remembered: ReadonlySet<string>) {}
  async verify(): Promise<Principal> {
    this.verified++;
    return service;
  }
  recall(token: string): Principal | undefined {
    return this.remembered.has(token) ? service : undefined;
  }
}

describe('BearerAuthenticator', () => {
  it('given a token the verifier recalls, when authenticating, then the principal comes back synchronously', () => {
    const verifier = new RememberingVerifier(new Set([TOKEN]));

    const principal = new BearerAuthenticator(verifier).authenticate(`Bearer ${TOKEN}`);

    expect(principal).toEqual(service);
    expect(verifier.verified).toBe(0);
  });

  it('given a token the verifier does not recall, when authenticating, then it is verified', async () => {
    const verifier = new RememberingVerifier(new Set());

    const principal = new BearerAuthenticator(verifier).authenticate(`Bearer ${TOKEN}`);

    expect(principal).toBeInstanceOf(Promise);
    await expect(principal).resolves.toEqual(service);
    expect(verifier.verified).toBe(1);
  });

  it('given the same header again, when authenticating, then the verifier is asked again about the same token', () => {
    const asked: string[] = [];
    const verifier = new RememberingVerifier(new Set([TOKEN]));
    const recall = verifier.recall.bind(verifier);
    verifier.recall = (token) => (asked.push(token), recall(token));
    const authenticator = new BearerAuthenticator(verifier);

    authenticator.authenticate(`Bearer ${TOKEN}`);
    const again = authenticator.authenticate(`Bearer ${TOKEN}`);

    expect(again).toEqual(service);
    expect(asked).toEqual([TOKEN, TOKEN]);
  });

  it('given a header that was accepted, when a malformed one follows, then it is still refused', () => {
    const authenticator = new BearerAuthenticator(new RememberingVerifier(new Set([TOKEN])));
    authenticator.authenticate(`Bearer ${TOKEN}`);

    expect(() => authenticator.authenticate(`Bearer ${TOKEN} trailing`)).toThrow(
      expect.objectContaining({ kind: 'unauthorized', code: 'invalid-token' }),
    );
    expect(authenticator.authenticate(`Bearer ${TOKEN}`)).toEqual(service);
  });

  it.each([
    [undefined, 'missing-token'],
    ['', 'missing-token'],
    [['Bearer a.b.c', 'Bearer d.e.f'], 'missing-token'],
    [`Basic ${TOKEN}`, 'invalid-token'],
    ['Bearer not-a-jwt', 'invalid-token'],
    [`Bearer ${TOKEN} trailing`, 'invalid-token'],
  ])('given the header %p, when authenticating, then it is refused as %s', (header, code) => {
    const authenticate = () =>
      new BearerAuthenticator(new RememberingVerifier(new Set([TOKEN]))).authenticate(header);

    expect(authenticate).toThrow(DomainError);
    expect(authenticate).toThrow(expect.objectContaining({ kind: 'unauthorized', code }));
  });
});
