import { narrowingDenial, narrowingOf, upstreamPath } from './narrowing-gate';

const upstream = new URL('https://API.GitHub.com./api/v3');

describe('narrowing at the connector endpoint', () => {
  it('compares the path the gateway sends: segments decoded once, encoded again', () => {
    expect(upstreamPath('/repos/acme/api')).toBe('/repos/acme/api');
    expect(upstreamPath('/repos/acme/a%20b')).toBe('/repos/acme/a%20b');
    expect(upstreamPath('/repos/%61cme/api')).toBe('/repos/acme/api');
  });

  it('admits a call inside the narrowing and any call of a connection without one', () => {
    const narrowing = {
      hosts: ['api.github.com'],
      pathPrefixes: ['/repos/acme'],
      methods: 'read-only' as const,
    };
    expect(
      narrowingDenial(narrowing, { upstream, path: '/repos/%61cme/api', method: 'GET' }),
    ).toBeUndefined();
    expect(narrowingDenial(undefined, { upstream, path: '/anything', method: 'DELETE' })).toBeUndefined();
  });

  it('denies outside it, the refusal code as the recorded rule', () => {
    const narrowing = { pathPrefixes: ['/repos/acme'] };
    expect(narrowingDenial(narrowing, { upstream, path: '/repos/other', method: 'GET' })).toEqual({
      allowed: false,
      reason: "The connection's credential is for /repos/acme only",
      provenance: { layer: 'default', rule: 'outside-narrowing-path' },
    });
    expect(
      narrowingDenial(
        { hosts: ['[::1]'] },
        { upstream: new URL('https://[0:0::1]:8443'), path: '/', method: 'GET' },
      ),
    ).toBeUndefined();
    expect(
      narrowingDenial({ hosts: ['127.0.0.1'] }, { upstream, path: '/', method: 'GET' })?.provenance.rule,
    ).toBe('outside-narrowing-host');
  });

  it('reads the narrowing of a connection that has one', () => {
    expect(narrowingOf({ connector: 'github', narrowing: { methods: ['GET'] } })).toEqual({
      methods: ['GET'],
    });
    expect(narrowingOf({ connector: 'github' })).toBeUndefined();
  });
});
