import { MAX_HOST_LENGTH, normalizeHost, normalizeHostPattern } from './host-normalizer';

const accepted = (text: string) => {
  const result = normalizeHost(text);
  if (!result.ok) throw new Error(result.message);
  return result.host;
};
const refusal = (text: string) => {
  const result = normalizeHost(text);
  if (result.ok) throw new Error(`${JSON.stringify(text)} was accepted as ${result.host.text}`);
  return result.message;
};
const label = (length: number, letter = 'a') => letter.repeat(length);

describe('normalizeHost', () => {
  describe('names', () => {
    it.each([
      ['a plain name', 'api.github.com', 'api.github.com'],
      ['a single label', 'localhost', 'localhost'],
      ['upper case, folded', 'API.GitHub.COM', 'api.github.com'],
      ['one root dot, dropped', 'api.github.com.', 'api.github.com'],
      ['inner hyphens', 'my-host.ex-ample.com', 'my-host.ex-ample.com'],
      ['hyphens in the third and fourth places', 'ab--cd.example', 'ab--cd.example'],
      ['digits in labels', '1password.com', '1password.com'],
      ['a last label that only starts like hex', 'example.0xz', 'example.0xz'],
      ['a Unicode label, as punycode', 'bücher.example', 'xn--bcher-kva.example'],
      ['a Unicode label in upper case', 'BÜCHER.Example.', 'xn--bcher-kva.example'],
      ['a punycode label in upper case', 'XN--BCHER-KVA.example', 'xn--bcher-kva.example'],
      ['an ideographic full stop, as a dot', 'www\u3002example.com', 'www.example.com'],
      ['a Cyrillic look-alike, as its own punycode', '\u0435xample.com', 'xn--xample-2of.com'],
      ['a right-to-left label', '\u05d0\u05d1.com', 'xn--4dbc.com'],
      [
        'hyphens in the third and fourth places beside a Unicode label',
        'ab--cd.bücher.example',
        'ab--cd.xn--bcher-kva.example',
      ],
      ['a last label that only ends in a digit', 'host.a1', 'host.a1'],
    ])('accepts %s', (_name, text, canonical) => {
      expect(accepted(text)).toEqual({ kind: 'name', text: canonical });
    });

    it.each([
      ['a path', 'evil.com/.example.com', 'IDNA processing refuses it'],
      ['a fragment', 'evil.com#.example.com', 'IDNA processing refuses it'],
      ['a query', 'evil.com?.example.com', 'IDNA processing refuses it'],
      ['a backslash', 'evil.com\\.example.com', 'IDNA processing refuses it'],
      ['a NUL', 'evil.com\u0000.example.com', 'IDNA processing refuses it'],
      ['a space', 'evil.com .example.com', 'IDNA processing refuses it'],
      ['a tab', 'evil.com\t.example.com', 'IDNA processing refuses it'],
      ['userinfo', 'user@example.com', 'IDNA processing refuses it'],
      ['an underscore', 'my_host.example.com', 'IDNA processing refuses it'],
      ['a percent escape', 'ex%61mple.com', 'IDNA processing refuses it'],
      ['a wildcard', '*.example.com', 'IDNA processing refuses it'],
      ['a full-width solidus', 'evil.com\uff0f.example.com', 'IDNA processing refuses it'],
      ['a zero-width joiner', 'exam\u200dple.com', 'IDNA processing refuses it'],
      ['mixed directions in a label', 'a\u05d0.com', 'IDNA processing refuses it'],
      ['invalid punycode', 'xn--abc.com', 'IDNA processing refuses it'],
      ['an empty punycode label', 'xn--.com', 'IDNA processing refuses it'],
      ['an empty label', 'evil..example.com', 'it has an empty label'],
      ['a leading dot', '.example.com', 'it has an empty label'],
      ['two root dots', 'example.com..', 'it has an empty label'],
      ['a lone dot', '.', 'it is empty'],
      ['a leading hyphen', '-evil.example.com', 'a label starts or ends with a hyphen'],
      ['a trailing hyphen', 'evil-.example.com', 'a label starts or ends with a hyphen'],
      ['a lone hyphen label', 'a.-.com', 'a label starts or ends with a hyphen'],
      ['a label over 63 characters', `${label(64)}.com`, 'a label is longer than 63 characters'],
    ])('refuses %s', (_name, text, why) => {
      expect(refusal(text)).toBe(`${JSON.stringify(text)} is not a host name or IP address: ${why}`);
    });

    it('takes labels of 63 characters and names of 253, with or without a root dot', () => {
      const longest = [label(63), label(63, 'b'), label(63, 'c'), label(61, 'd')].join('.');
      expect(longest).toHaveLength(MAX_HOST_LENGTH);

      expect(accepted(`${label(63)}.com`).text).toBe(`${label(63)}.com`);
      expect(accepted(longest).text).toBe(longest);
      expect(accepted(`${longest}.`).text).toBe(longest);
      expect(refusal(`${longest}e`)).toContain('it is longer than 253 characters');
      expect(refusal(`${longest}e.`)).toContain('its length is out of range');
      expect(refusal('')).toContain('its length is out of range');
    });

    it('refuses a Unicode name whose punycode form is over 253 characters', () => {
      const labels = Array.from({ length: 6 }, () => 'ü'.repeat(40));
      expect(refusal(labels.join('.'))).toContain('it is longer than 253 characters');
    });
  });

  describe('IPv4 addresses', () => {
    it.each([
      ['0.0.0.0', '0.0.0.0'],
      ['255.255.255.255', '255.255.255.255'],
      ['10.0.0.1', '10.0.0.1'],
      ['10.0.0.1.', '10.0.0.1'],
      ['\uff11\uff10.0.0.1', '10.0.0.1'],
    ])('accepts %j as %s', (text, canonical) => {
      expect(accepted(text)).toEqual({ kind: 'ipv4', text: canonical });
    });

    it.each([
      ['an octet over 255', '256.0.0.1'],
      ['a leading zero (octal to some resolvers)', '010.0.0.1'],
      ['a lone leading zero', '00.0.0.1'],
      ['three parts', '127.0.1'],
      ['five parts', '1.2.3.4.5'],
      ['a hex part', '0x7f.0.0.1'],
      ['a hex last part', '127.0.0.0x1'],
      ['a bare number', '2130706433'],
      ['a bare 0x', 'example.0x'],
      ['a numeric top-level label', 'www.example.123'],
      ['four digits in a part', '1.2.3.1000'],
    ])('refuses %s', (_name, text) => {
      expect(refusal(text)).toContain(
        'a numeric name must be an IPv4 dotted quad of decimals without leading zeros',
      );
    });
  });

  describe('IPv6 addresses', () => {
    it.each([
      ['[::1]', '[::1]'],
      ['::1', '[::1]'],
      ['[::]', '[::]'],
      ['[2001:DB8:0:0:0:0:0:1]', '[2001:db8::1]'],
      ['2001:db8::0:1', '[2001:db8::1]'],
      ['[1:2:3:4:5:6:7:8]', '[1:2:3:4:5:6:7:8]'],
      ['[::ffff:10.0.0.1]', '[::ffff:a00:1]'],
      ['ab::443', '[ab::443]'],
    ])('accepts %j as %s', (text, canonical) => {
      expect(accepted(text)).toEqual({ kind: 'ipv6', text: canonical });
    });

    it.each([
      ['a zone', '[fe80::1%eth0]'],
      ['a port after the brackets', '[::1]:443'],
      ['a name with a port', 'example.com:443'],
      ['an unclosed bracket', '[::1'],
      ['an unopened bracket', '::1]'],
      ['double brackets', '[[::1]]'],
      ['two compressions', '[1::2::3]'],
      ['nine groups', '[1:2:3:4:5:6:7:8:9]'],
      ['a five-digit group', '[12345::]'],
      ['a short embedded IPv4', '[::1.2.3]'],
      ['a name in brackets', '[example.com]'],
      ['a lone colon', ':'],
      ['userinfo smuggled between brackets', '::1]@[::2'],
      ['a closing bracket only', 'a::1]'],
    ])('refuses %s', (_name, text) => {
      expect(refusal(text)).toContain('it is not an IPv6 address (no zones, no ports)');
    });
  });
});

describe('normalizeHostPattern', () => {
  it.each([
    ['an exact name', 'API.GitHub.com.', { kind: 'host', host: { kind: 'name', text: 'api.github.com' } }],
    ['subdomains of a domain', '*.Example.COM', { kind: 'subdomains', domain: 'example.com' }],
    [
      'subdomains of a Unicode domain',
      '*.bücher.example',
      { kind: 'subdomains', domain: 'xn--bcher-kva.example' },
    ],
    ['an IPv4 address', '10.0.0.1', { kind: 'host', host: { kind: 'ipv4', text: '10.0.0.1' } }],
    ['an IPv6 address', '::1', { kind: 'host', host: { kind: 'ipv6', text: '[::1]' } }],
  ])('accepts %s', (_name, text, pattern) => {
    expect(normalizeHostPattern(text)).toMatchObject({ ok: true, pattern });
  });

  it.each([
    ['API.GitHub.com.', 'api.github.com'],
    ['*.Example.COM.', '*.example.com'],
    ['[2001:DB8::0:1]', '[2001:db8::1]'],
  ])('keeps %j as %j', (text, canonical) => {
    expect(normalizeHostPattern(text)).toMatchObject({ ok: true, text: canonical });
  });

  it.each([
    ['a top-level domain wildcard', '*.com', 'a name needs at least two labels'],
    ['a single-label name', 'localhost', 'a name needs at least two labels'],
    ['a wildcard before an IPv4 address', '*.10.0.0.1', '*. stands only before a domain name'],
    ['a wildcard before an IPv6 address', '*.[::1]', '*. stands only before a domain name'],
    ['two wildcards', '*.*.example.com', 'IDNA processing refuses it'],
    ['an inner wildcard', 'a.*.example.com', 'IDNA processing refuses it'],
    ['a wildcard without its dot', '*example.com', 'IDNA processing refuses it'],
    ['a path', 'evil.com/.example.com', 'IDNA processing refuses it'],
  ])('refuses %s', (_name, text, why) => {
    const result = normalizeHostPattern(text);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(why) });
  });

  it('names the entry as written when the part after *. is refused', () => {
    expect(normalizeHostPattern('*.com')).toEqual({
      ok: false,
      message: '"*.com" is not a host name or IP address: a name needs at least two labels',
    });
  });
});
