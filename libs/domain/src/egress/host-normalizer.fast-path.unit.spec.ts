import { toASCII } from 'tr46';
import { normalizeHost } from './host-normalizer';

// The gateway normalises every host it dials: plain ASCII names must not pay for the IDNA tables.
jest.mock('tr46', () => {
  const actual = jest.requireActual<typeof import('tr46')>('tr46');
  return { ...actual, toASCII: jest.fn(actual.toASCII) };
});
const idna = jest.mocked(toASCII);

describe('normalizeHost: plain ASCII names skip IDNA, and only they do', () => {
  beforeEach(() => idna.mockClear());

  it.each([
    ['every letter, digit and the hyphen', 'abcdefghijklmnopqrstuvwxyz-0123456789.example'],
    ['upper-case letters', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ.example'],
    ['a root dot', 'api.github.com.'],
    ['a refused plain name', 'a..b'],
  ])('given %s, then the IDNA tables are not consulted', (_name, text) => {
    // when it is normalised
    normalizeHost(text);

    // then the fast path answered
    expect(idna).not.toHaveBeenCalled();
  });

  it('given the plain result, then it is the IDNA result too', () => {
    // given plain names (the fast path's answer)
    const names = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ.example', 'abcdefghijklmnopqrstuvwxyz-0123456789.example'];

    // then IDNA, asked directly, agrees
    for (const name of names)
      expect(normalizeHost(name)).toEqual({ ok: true, host: { kind: 'name', text: idna(name) } });
  });

  it.each([
    ['a Unicode label', 'bücher.example'],
    ['a punycode label (decoded and checked)', 'xn--bcher-kva.example'],
    ['an upper-case punycode label', 'XN--BCHER-KVA.example'],
    ['an underscore', 'my_host.example'],
    ['a character just past the letters', 'a{b.example'],
    ['a character just before the letters', 'a@b.example'],
    ['a slash', 'a/b.example'],
  ])('given %s, then IDNA decides', (_name, text) => {
    normalizeHost(text);

    expect(idna).toHaveBeenCalledTimes(1);
  });
});
