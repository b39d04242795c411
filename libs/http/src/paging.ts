import { z } from 'zod';
import { DomainError } from '@mandate/domain';
import { toOpenApiSchema } from './zod-openapi';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

/**
 * The paging fields of a list's query string, spread into its strict schema: `limit`, and `after`,
 * the previous page's `next` (its own grammar, e.g. an identifier or a principal id).
 */
export const pageQueryFields = <Cursor extends z.ZodType<string, string>>(cursor: Cursor) => ({
  /** Page size; the answer's `next` continues the list. */
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  /** The `next` of the previous page. */
  after: cursor.optional(),
});

export interface PageQuery {
  limit: number;
  after?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when more items follow: pass it as `after`. */
  next?: string;
}

/** Where items stand in a list, so that pages neither skip nor repeat one. */
export interface PageOrder<T> {
  /** Compared element by element (code units); the last element is the item's id, its cursor. */
  key(item: T): readonly string[];
  /**
   * The key of the item a cursor names, whether or not it is still listed (a filter, a change
   * since the previous page); undefined when the cursor names nothing of this list.
   */
  cursor(after: string): readonly string[] | undefined;
}

export const invalidCursor = (): DomainError =>
  new DomainError('validation', 'invalid-cursor', 'The cursor names nothing in this list', [
    { path: 'query.after', message: 'not from this list; pass the `next` of a page' },
  ]);

const byCodeUnits = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = byCodeUnits(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** One page of a list: every list of the API pages this way (`limit`, `after` → `next`). */
export function pageOf<T>(listed: Iterable<T>, query: PageQuery, order: PageOrder<T>): Page<T> {
  const sorted = [...listed]
    .map((item) => ({ item, key: order.key(item) }))
    .sort((a, b) => compareKeys(a.key, b.key));
  let start = 0;
  if (query.after !== undefined) {
    const cursor = order.cursor(query.after);
    if (cursor === undefined) throw invalidCursor();
    const index = sorted.findIndex((entry) => compareKeys(entry.key, cursor) > 0);
    start = index < 0 ? sorted.length : index;
  }
  const page = sorted.slice(start, start + query.limit);
  const items = page.map((entry) => entry.item);
  const last = page.at(-1);
  return last !== undefined && start + page.length < sorted.length
    ? { items, next: last.key[last.key.length - 1] }
    : { items };
}

/** A list answer's OpenAPI schema: the items, and `next` while more follow. */
export const pageDoc = (item: z.ZodType, what: string) =>
  toOpenApiSchema(
    z.object({
      items: z.array(item),
      next: z.string().optional().describe(`Present when more ${what} follow: pass it as \`after\``),
    }),
  );
