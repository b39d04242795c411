import { leaseHeader } from './lease-injection';

const upstream = new URL('https://127.0.0.1:8443/api/v3');

describe('lease injection', () => {
  it('given a GitHub App lease minted at the upstream, then its token goes as a Bearer header', () => {
    expect(
      leaseHeader({ kind: 'github-app', baseUrl: 'https://127.0.0.1:8443/api/v3' }, upstream, 'ghs_x'),
    ).toEqual(['authorization', 'Bearer ghs_x']);
  });

  it('given a GitHub App minted at another host or port, then nothing is injected', () => {
    expect(
      leaseHeader({ kind: 'github-app', baseUrl: 'https://api.github.com' }, upstream, 't'),
    ).toBeUndefined();
    expect(
      leaseHeader({ kind: 'github-app', baseUrl: 'https://127.0.0.1:9443' }, upstream, 't'),
    ).toBeUndefined();
  });

  it('given a client-credentials lease, then the token goes only to an audience its credential names', () => {
    const binding = {
      kind: 'oauth2-client' as const,
      audiences: ['https://tracker.example', 'https://127.0.0.1:8443'],
    };
    expect(leaseHeader(binding, upstream, 'at')).toEqual(['authorization', 'Bearer at']);
    expect(leaseHeader({ kind: 'oauth2-client', audiences: [] }, upstream, 'at')).toBeUndefined();
    expect(
      leaseHeader({ kind: 'oauth2-client', audiences: ['urn:tracker'] }, upstream, 'at'),
    ).toBeUndefined();
  });

  it('given a plain-HTTP upstream, then no token is injected whatever the binding says', () => {
    const plain = new URL('http://127.0.0.1:8443');
    expect(
      leaseHeader({ kind: 'oauth2-client', audiences: ['http://127.0.0.1:8443'] }, plain, 't'),
    ).toBeUndefined();
  });
});
