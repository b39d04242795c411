import { z } from 'zod';
import { isDomainError } from '@mandate/domain';
import { pageOf, pageQueryFields, type PageOrder } from './paging';

interface Item {
  id: string;
  at: string;
}

const byTimeThenId = (all: Item[]): PageOrder<Item> => ({
  key: (item) => [item.at, item.id],
  cursor: (after) => {
    const named = all.find((item) => item.id === after);
    return named && [named.at, named.id];
  },
});

const items: Item[] = [
  { id: 'c', at: '2026-01-01T10:00:00Z' },
  { id: 'a', at: '2026-01-01T10:01:00Z' },
  { id: 'b', at: '2026-01-01T10:00:00Z' },
  { id: 'd', at: '2026-01-01T09:59:00Z' },
];

describe('pageOf', () => {
  it('walks the list in key order, a page at a time, without skipping or repeating', () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = pageOf(items, { limit: 3, after }, byTimeThenId(items));
      seen.push(...page.items.map((item) => item.id));
      if (page.next === undefined) break;
      expect(page.next).toBe(page.items.at(-1)?.id);
      after = page.next;
    }

    expect(seen).toEqual(['d', 'b', 'c', 'a']);
  });

  it('continues after a cursor item that is no longer listed (filtered out since)', () => {
    const order = byTimeThenId(items);
    const remaining = items.filter((item) => item.id !== 'b');

    expect(pageOf(remaining, { limit: 10, after: 'b' }, order).items.map((item) => item.id)).toEqual([
      'c',
      'a',
    ]);
  });

  it('answers no `next` on the last page, and an empty page after the end', () => {
    const order = byTimeThenId(items);

    expect(pageOf(items, { limit: 4 }, order).next).toBeUndefined();
    expect(pageOf(items, { limit: 4, after: 'a' }, order)).toEqual({ items: [] });
  });

  it('refuses a cursor naming nothing in the list with invalid-cursor at query.after', () => {
    let refusal: unknown;
    try {
      pageOf(items, { limit: 2, after: 'zzz' }, byTimeThenId(items));
    } catch (error) {
      refusal = error;
    }

    expect(
      isDomainError(refusal) && { code: refusal.code, kind: refusal.kind, issues: refusal.issues },
    ).toEqual({
      code: 'invalid-cursor',
      kind: 'validation',
      issues: [expect.objectContaining({ path: 'query.after' })],
    });
  });

  it('orders by code units, not by locale', () => {
    const ids = ['b', 'B', 'a', '_'].map((id) => ({ id, at: '' }));
    const order: PageOrder<Item> = { key: (item) => [item.id], cursor: (after) => [after] };

    expect(pageOf(ids, { limit: 10 }, order).items.map((item) => item.id)).toEqual(['B', '_', 'a', 'b']);
  });
});

describe('pageQueryFields', () => {
  const query = z.strictObject(pageQueryFields(z.string().regex(/^[a-z]+$/)));

  it('defaults the limit to 100 and bounds it to 1..500', () => {
    expect(query.parse({})).toEqual({ limit: 100 });
    expect(query.parse({ limit: '500', after: 'abc' })).toEqual({ limit: 500, after: 'abc' });
    for (const limit of ['0', '501', 'many', '1.5']) expect(query.safeParse({ limit }).success).toBe(false);
  });

  it('parses the cursor with the list’s own grammar', () => {
    expect(query.safeParse({ after: 'ABC' }).success).toBe(false);
  });
});
