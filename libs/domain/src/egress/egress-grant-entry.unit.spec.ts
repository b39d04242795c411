import { refusalOf } from '@mandate/testing';
import { parseEgressGrantEntry, parseEgressRequest } from './egress-grant';

describe('parseEgressGrantEntry: host:port, canonical', () => {
  it.each([
    ['the lowest port', 'Example.com:1', 'example.com:1', { host: 'example.com', ports: [1] }],
    ['the highest port', 'example.com:65535', 'example.com:65535', { host: 'example.com', ports: [65535] }],
    ['subdomains', '*.Example.com:443', '*.example.com:443', { host: '*.example.com', ports: [443] }],
    ['an IPv4 address', '10.0.0.1:8443', '10.0.0.1:8443', { host: '10.0.0.1', ports: [8443] }],
    ['an IPv6 address', '[2001:DB8::0:1]:443', '[2001:db8::1]:443', { host: '[2001:db8::1]', ports: [443] }],
  ])('given %s, then it is one canonical entry', (_name, text, canonical, rule) => {
    // when it is parsed
    const entry = parseEgressGrantEntry(text);

    // then its text and rule are the canonical spelling
    expect(entry).toEqual({ ok: true, text: canonical, rule });
  });

  it.each([
    ['no port', 'example.com'],
    ['digits and no colon', '443'],
    ['port 0', 'example.com:0'],
    ['a port past 65535', 'example.com:65536'],
    ['a leading zero', 'example.com:0443'],
    ['an empty port', 'example.com:'],
  ])('given %s, then it asks for a port', (_name, text) => {
    expect(parseEgressGrantEntry(text)).toEqual({
      ok: false,
      message: `"${text}" needs a port from 1 to 65535 after the host (host:port)`,
    });
  });

  it('given an IPv6 address without brackets, then it says to write the brackets', () => {
    expect(parseEgressGrantEntry('2001:db8::1:443')).toEqual({
      ok: false,
      message: '"2001:db8::1:443": write an IPv6 address in brackets ([2001:db8::1]:443)',
    });
  });

  it('given a port and no host, then the host is what is refused', () => {
    expect(parseEgressGrantEntry(':443')).toEqual({
      ok: false,
      message: '"" is not a host name or IP address: its length is out of range',
    });
  });

  it('given a host the normaliser refuses, then its reason is the answer', () => {
    expect(parseEgressGrantEntry('evil.com/x:443')).toEqual({
      ok: false,
      message: expect.stringContaining('"evil.com/x" is not a host name or IP address'),
    });
  });
});

describe('parseEgressRequest: what an egress access request asks for', () => {
  it('given two spellings of one entry, then it asks for it once, canonical', () => {
    // when a request names one host twice, differently spelt
    const resources = parseEgressRequest(
      { actions: ['connect'], resources: ['API.github.com:443', 'api.github.com.:443', '10.0.0.1:80'] },
      'target',
    );

    // then each entry is there once, in the canonical spelling
    expect(resources).toEqual(['api.github.com:443', '10.0.0.1:80']);
  });

  it('given an unknown action and a malformed host, then both are named by path, the action first', () => {
    // when a request asks for `read` on a host without a port
    const refusal = refusalOf(() =>
      parseEgressRequest({ actions: ['connect', 'read'], resources: ['ok.example:443', 'nope'] }, 'target'),
    );

    // then it is refused as unprocessable, naming each entry where it stands
    expect(refusal.kind).toBe('unprocessable');
    expect(refusal.code).toBe('unknown-action');
    expect(refusal.message).toBe('"read" is not an action of egress; ask for "connect"');
    expect(refusal.issues).toEqual([
      { path: 'target.actions[1]', message: '"read" is not an action of egress; ask for "connect"' },
      {
        path: 'target.resources[1]',
        message: '"nope" needs a port from 1 to 65535 after the host (host:port)',
      },
    ]);
  });

  it('given only a malformed host, then the code is malformed-host', () => {
    const refusal = refusalOf(() =>
      parseEgressRequest({ actions: ['connect'], resources: ['x:99999'] }, 't'),
    );

    expect(refusal.code).toBe('malformed-host');
    expect(refusal.issues).toEqual([
      { path: 't.resources[0]', message: expect.stringContaining('"x:99999"') },
    ]);
  });
});
