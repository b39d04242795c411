import { randomBytes } from 'node:crypto';
import { DataKeyCache, secretId } from './data-key.cache';

const wrappedOf = () => ({ wrapped_key: randomBytes(48), key_iv: randomBytes(12) });

describe('DataKeyCache', () => {
  it('given a key unwrapped once, when the same wrapped bytes are read again, then it is not unwrapped again', () => {
    const cache = new DataKeyCache(4);
    const wrapped = wrappedOf();
    const unwrap = jest.fn(() => randomBytes(32));

    const first = cache.unwrap('s', 1, wrapped, unwrap);
    const second = cache.unwrap(
      's',
      1,
      { wrapped_key: Buffer.from(wrapped.wrapped_key), key_iv: wrapped.key_iv },
      unwrap,
    );

    expect(second).toBe(first);
    expect(unwrap).toHaveBeenCalledTimes(1);
  });

  it('given a kept key, when the same version comes with other wrapped bytes, then it unwraps those and zeroes the old key', () => {
    const cache = new DataKeyCache(4);
    const old = cache.unwrap('s', 1, wrappedOf(), () => Buffer.alloc(32, 7));

    const fresh = cache.unwrap('s', 1, wrappedOf(), () => Buffer.alloc(32, 9));

    expect(fresh.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(old.equals(Buffer.alloc(32, 0))).toBe(true);
  });

  it('given more keys than its size, then it keeps the most recently used and zeroes the one it drops', () => {
    const cache = new DataKeyCache(2);
    const a = cache.unwrap('a', 1, wrappedOf(), () => Buffer.alloc(32, 1));
    const wrappedB = wrappedOf();
    cache.unwrap('b', 1, wrappedB, () => Buffer.alloc(32, 2));
    cache.unwrap('a', 1, wrappedOf(), () => a); // same id, other bytes: unwrapped anew

    cache.unwrap('c', 1, wrappedOf(), () => Buffer.alloc(32, 3));

    expect(cache.kept).toBe(2);
    const unwrapB = jest.fn(() => Buffer.alloc(32, 2));
    cache.unwrap('b', 1, wrappedB, unwrapB);
    expect(unwrapB).toHaveBeenCalledTimes(1);
  });

  it('given keys of two secrets, when one is forgotten, then its versions are zeroed and gone and the other stays', () => {
    const cache = new DataKeyCache(8);
    const github = secretId('acme', 'github');
    const v1 = cache.unwrap(github, 1, wrappedOf(), () => Buffer.alloc(32, 1));
    const v2 = cache.unwrap(github, 2, wrappedOf(), () => Buffer.alloc(32, 2));
    cache.unwrap(secretId('acme', 'github2'), 1, wrappedOf(), () => Buffer.alloc(32, 3));

    cache.forget(github);

    expect([v1, v2].every((key) => key.equals(Buffer.alloc(32, 0)))).toBe(true);
    expect(cache.kept).toBe(1);
  });

  it('names secrets unambiguously whatever their ids hold', () => {
    expect(secretId('a|1:b', 'c')).not.toBe(secretId('a', 'b|1:c'));
  });
});
