import fc from 'fast-check';
import { MAX_KEPT_NAMES, NamePartsCache } from './name-parts.cache';

const sliced = (name: string, separator: string) => {
  const at = name.indexOf(separator);
  return at < 0 ? { head: undefined, tail: name } : { head: name.slice(0, at), tail: name.slice(at + 1) };
};

describe('the name parts cache', () => {
  it('given any names, asked in any order and again, then each is split at its first separator', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('acme/eng', 'acme', '/', 'a//b', 'a/b/c', ''), fc.string()), {
          maxLength: 30,
        }),
        (names) => {
          const cache = new NamePartsCache('/');
          for (const name of [...names, ...names]) expect(cache.split(name)).toEqual(sliced(name, '/'));
        },
      ),
    );
  });

  it('given a name asked twice, then the same parts (the same strings) are answered', () => {
    const cache = new NamePartsCache(':');

    expect(cache.split('github:write')).toBe(cache.split('github:write'));
  });

  it('given more names than it keeps, then it starts over; a name longer than any check takes is not kept', () => {
    const cache = new NamePartsCache('/');
    for (let i = 0; i < MAX_KEPT_NAMES; i++) cache.split(`ws/ch-${i}`);
    expect(cache.size).toBe(MAX_KEPT_NAMES);

    cache.split('ws/one-more');
    expect(cache.size).toBe(1);

    expect(cache.split(`ws/${'x'.repeat(300)}`).tail).toHaveLength(300);
    expect(cache.size).toBe(1);
  });
});
