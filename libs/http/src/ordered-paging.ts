import { invalidCursor, type Page, type PageOrder, type PageQuery } from './paging';

/**
 * One page of a list read in key order by a walk that starts after the cursor's key (an index on
 * disk), stopping as soon as the page is full: the same answer as `pageOf`, without reading the
 * whole list into memory first. `walk` yields only items after the key it is given.
 */
export function pageOfOrdered<T>(
  walk: (after: readonly string[] | undefined) => Iterable<T>,
  query: PageQuery,
  order: PageOrder<T>,
): Page<T> {
  let after: readonly string[] | undefined;
  if (query.after !== undefined) {
    after = order.cursor(query.after);
    if (after === undefined) throw invalidCursor();
  }
  const items: T[] = [];
  for (const item of walk(after)) {
    if (items.length === query.limit) {
      const last = order.key(items[items.length - 1]);
      return { items, next: last[last.length - 1] };
    }
    items.push(item);
  }
  return { items };
}

const byCodeUnits = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = byCodeUnits(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** The items of a list held in memory that come after `after`, in key order (a walk for `pageOfOrdered`). */
export function inKeyOrderAfter<T>(
  items: readonly T[],
  key: (item: T) => readonly string[],
  after: readonly string[] | undefined,
): T[] {
  return items
    .map((item) => ({ item, key: key(item) }))
    .filter((entry) => after === undefined || compareKeys(entry.key, after) > 0)
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((entry) => entry.item);
}

/** The items a predicate keeps, lazily: a walk stops reading once its page is full. */
export function* keptBy<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}
