import { sameValue } from './same-value';

describe('sameValue', () => {
  it('ignores the order of object keys, at any depth', () => {
    expect(
      sameValue(
        { id: 'f', connector: 'github', rule: { actions: ['read'], resources: ['a/*'] } },
        { rule: { resources: ['a/*'], actions: ['read'] }, connector: 'github', id: 'f' },
      ),
    ).toBe(true);
  });

  it('tells apart different values, missing keys and reordered arrays', () => {
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: 1, b: null }, { a: 1 })).toBe(false);
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
  });

  it('treats an undefined property as absent, as JSON does', () => {
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
});
