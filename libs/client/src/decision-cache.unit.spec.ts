import { DecisionCache, type DecisionQuery } from './decision-cache';

const q = (overrides: Partial<DecisionQuery> = {}): DecisionQuery => ({
  channelId: 'eng',
  connector: 'github',
  action: 'write',
  resource: 'acme/api',
  ...overrides,
});
const base = { workspaceId: 'acme', cause: 'test' };
const grant = { grantId: 'g', actions: ['write'], resources: ['acme/*'], expiresAt: '2026-01-01T00:00:00Z' };

/** A live cache that has heard everything up to `heard`. */
function liveCache(heard = 10) {
  const cache = new DecisionCache<string>();
  cache.resume(heard);
  return cache;
}

describe('DecisionCache (answers kept correct by log positions)', () => {
  it('serves an answer computed at or after what the stream has told, until a later change touches it', () => {
    // given an answer computed at 12 while the stream has told up to 10
    const cache = liveCache(10);
    expect(cache.put(q(), 'allow', 12)).toBe(true);

    // when a change at 11 to its channel arrives (the answer already reflects it), then at 13
    cache.apply({ ...base, kind: 'channel', channelId: 'eng', position: 11 });
    const afterOlder = cache.get(q(), 0);
    cache.apply({ ...base, kind: 'channel', channelId: 'eng', position: 13 });

    // then the older change keeps it, the newer one forgets it
    expect(afterOlder).toBe('allow');
    expect(cache.get(q(), 0)).toBeUndefined();
  });

  it('does not keep an answer older than what the stream has told (a change in between may be missed)', () => {
    const cache = liveCache(10);

    expect(cache.put(q(), 'allow', 9)).toBe(false);
    expect(cache.get(q(), 0)).toBeUndefined();
  });

  it('a grant change forgets its channel and connector only; a workspace change forgets every channel', () => {
    // given answers in #eng for github and jira, and in #ops
    const cache = liveCache(10);
    cache.put(q(), 'gh', 10);
    cache.put(q({ connector: 'jira' }), 'jira', 10);
    cache.put(q({ channelId: 'ops' }), 'ops', 10);

    // when a github grant starts in #eng
    cache.apply({
      ...base,
      ...grant,
      kind: 'grant-started',
      channelId: 'eng',
      connector: 'github',
      position: 11,
    });

    // then only #eng's github answer is gone
    expect([
      cache.get(q(), 0),
      cache.get(q({ connector: 'jira' }), 0),
      cache.get(q({ channelId: 'ops' }), 0),
    ]).toEqual([undefined, 'jira', 'ops']);

    // and a workspace change forgets the rest
    cache.apply({ ...base, kind: 'workspace', position: 12 });
    expect(cache.entries).toBe(0);
  });

  it('minPosition beyond what the stream has told goes to the network; within it, the cache answers', () => {
    const cache = liveCache(10);
    cache.put(q(), 'allow', 10);

    expect(cache.get(q(), 0, 11)).toBeUndefined();
    cache.advance(11);
    expect(cache.get(q(), 0, 11)).toBe('allow');
  });

  it('an answer a grant gave is not served at or past its expiry; a local expiry forgets whatever its position', () => {
    const cache = liveCache(10);
    cache.put(q(), 'by-grant', 10, 1_000);
    cache.put(q({ action: 'read' }), 'newer', 50);

    expect(cache.get(q(), 999)).toBe('by-grant');
    expect(cache.get(q(), 1_000)).toBeUndefined();
    cache.expire({ channelId: 'eng', connector: 'github' });
    expect(cache.get(q({ action: 'read' }), 0)).toBeUndefined();
  });

  it('serves nothing while the stream is lost, and again once it resumed', () => {
    const cache = liveCache(10);
    cache.put(q(), 'allow', 10);

    cache.lose();
    const whileLost = [cache.get(q(), 0), cache.put(q({ action: 'read' }), 'x', 20)];
    cache.resume(12);

    expect(whileLost).toEqual([undefined, false]);
    expect(cache.get(q(), 0)).toBe('allow');
  });

  it('keeps at most maxEntries answers', () => {
    const cache = new DecisionCache<string>(2);
    cache.resume(1);
    for (const resource of ['a', 'b', 'c']) cache.put(q({ resource }), resource, 1);

    expect(cache.entries).toBeLessThanOrEqual(2);
    expect(cache.get(q({ resource: 'c' }), 0)).toBe('c');
  });

  it('tells apart answers for different invokers of the same action', () => {
    const cache = liveCache(1);
    cache.put(q({ invokedBy: 'alice' }), 'alice', 1);

    expect(cache.get(q({ invokedBy: 'bob' }), 0)).toBeUndefined();
    expect(cache.get(q(), 0)).toBeUndefined();
  });
});
