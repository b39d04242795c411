import { parseAbsoluteUrl, parseAuthority, sessionTokenOf } from './proxy-request';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('proxy request parsing', () => {
  it('given Bearer or Basic proxy credentials, when read, then the token is the bearer value or the Basic password', () => {
    expect(sessionTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(sessionTokenOf('bearer abc')).toBe('abc');
    expect(sessionTokenOf(basic('session', 'abc.def.ghi'))).toBe('abc.def.ghi');
    expect(sessionTokenOf(basic('anyone', 'a:b'))).toBe('a:b');
  });

  it('given no credentials, an empty password or another scheme, when read, then there is no token', () => {
    expect(sessionTokenOf(undefined)).toBeUndefined();
    expect(sessionTokenOf('Bearer ')).toBeUndefined();
    expect(sessionTokenOf(basic('session', ''))).toBeUndefined();
    expect(sessionTokenOf('Digest username="x"')).toBeUndefined();
    expect(sessionTokenOf('Bearer')).toBeUndefined();
  });

  it('given CONNECT authorities in any spelling, when parsed, then the host is canonical', () => {
    expect(parseAuthority('API.GitHub.com.:443')).toEqual({
      ok: true,
      target: { host: { kind: 'name', text: 'api.github.com' }, port: 443 },
    });
    expect(parseAuthority('bücher.example:443')).toMatchObject({
      ok: true,
      target: { host: { kind: 'name', text: 'xn--bcher-kva.example' } },
    });
    expect(parseAuthority('[::1]:8443')).toEqual({
      ok: true,
      target: { host: { kind: 'ipv6', text: '[::1]' }, port: 8443 },
    });
    expect(parseAuthority('127.0.0.1:80')).toMatchObject({ ok: true, target: { host: { kind: 'ipv4' } } });
  });

  it('given authorities outside the grammar, when parsed, then they are refused with a stable code, never matched', () => {
    expect(parseAuthority('api.github.com')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAuthority('api.github.com:0')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAuthority('api.github.com:65536')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAuthority('api.github.com:+443')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAuthority('::1:443')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAuthority('[::1:443')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAuthority('evil.com/x.github.com:443')).toMatchObject({ ok: false, code: 'malformed-host' });
    expect(parseAuthority('0x7f.1:443')).toMatchObject({ ok: false, code: 'malformed-host' });
    expect(parseAuthority(':443')).toMatchObject({ ok: false, code: 'malformed-host' });
  });

  it('given absolute http URLs, when parsed, then target and path come apart with port 80 by default', () => {
    expect(parseAbsoluteUrl('http://Example.com/a/b?c=1#frag')).toEqual({
      ok: true,
      target: { host: { kind: 'name', text: 'example.com' }, port: 80 },
      path: '/a/b?c=1',
    });
    expect(parseAbsoluteUrl('http://example.com:8080')).toMatchObject({
      ok: true,
      target: { port: 8080 },
      path: '/',
    });
    expect(parseAbsoluteUrl('http://example.com?q')).toMatchObject({ ok: true, path: '/?q' });
  });

  it('given an https URL, user info or another scheme over plain HTTP, when parsed, then it is refused', () => {
    expect(parseAbsoluteUrl('https://example.com/')).toMatchObject({ ok: false, code: 'tls-downgrade' });
    expect(parseAbsoluteUrl('HTTPS://example.com/')).toMatchObject({ ok: false, code: 'tls-downgrade' });
    expect(parseAbsoluteUrl('http://user:pw@example.com/')).toMatchObject({
      ok: false,
      code: 'malformed-target',
    });
    expect(parseAbsoluteUrl('ftp://example.com/')).toMatchObject({ ok: false, code: 'malformed-target' });
    expect(parseAbsoluteUrl('example.com:80')).toMatchObject({ ok: false, code: 'malformed-target' });
  });
});
