import { normalizeHost } from '@mandate/domain';
import { injectedHeader, redact, type StaticSecret, withoutClientCredentials } from './credential-injection';

const credential: StaticSecret = {
  kind: 'static',
  secret: 'tok-123',
  hosts: ['api.github.com'],
  header: 'Authorization: Bearer {secret}',
};
const host = (text: string) => {
  const parsed = normalizeHost(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.host;
};

describe('static credential injection', () => {
  it('given the bound host, when injecting, then the header carries the secret; another host gets nothing', () => {
    expect(injectedHeader(credential, host('API.github.com'))).toEqual(['authorization', 'Bearer tok-123']);
    expect(injectedHeader(credential, host('uploads.github.com'))).toBeUndefined();
    expect(injectedHeader(credential, host('140.82.112.6'))).toBeUndefined();
  });

  it('given a client’s headers, when forwarded, then its Authorization, cookies and proxy headers are gone', () => {
    expect(
      withoutClientCredentials({
        authorization: 'Bearer bogus',
        cookie: 'a=1',
        'proxy-authorization': 'Bearer session',
        'proxy-foo': 'x',
        accept: 'application/json',
      }),
    ).toEqual({ accept: 'application/json' });
  });

  it('given an answer echoing the secret, when relayed, then every occurrence is redacted', () => {
    expect(redact(Buffer.from('a tok-123 b tok-123'), 'tok-123').toString()).toBe(
      'a [REDACTED] b [REDACTED]',
    );
    expect(redact(Buffer.from('clean'), 'tok-123').toString()).toBe('clean');
  });
});
