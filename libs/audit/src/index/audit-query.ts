import type { RecordedEvent } from '@mandate/event-store';
import { type AuditTermKind, auditTerm } from './audit-terms';

export type AuditOrder = 'newest' | 'oldest';

export type AuditFilter = Partial<Record<AuditTermKind, string>> & {
  /** occurredAt ≥ from (ISO-8601). */
  from?: string;
  /** occurredAt < to (ISO-8601). */
  to?: string;
};

export interface AuditQuery {
  workspaceId: string;
  filter?: AuditFilter;
  order?: AuditOrder;
  /** Exclusive position to continue from (a page's `next`); omitted for the first page. */
  after?: number;
  limit?: number;
}

export interface AuditPage {
  events: RecordedEvent[];
  /**
   * Position to pass as `after` for the next page. Newest first: null after the oldest event.
   * Oldest first: always set (the log grows at that end), at the index's head once caught up.
   */
  next: number | null;
  /** Whether more events matched beyond this page when it was read. */
  more: boolean;
  /** Everything up to this log position is in the index; later events are not visible yet. */
  indexedThrough: number;
}

/**
 * Most selective first: a query walks the postings of its most selective term in position order
 * and checks the others per row, so a page of 100 costs about 100 lookups whatever the log's size.
 */
const SELECTIVITY: readonly AuditTermKind[] = [
  'correlation',
  'grant',
  'request',
  'resource',
  'actor',
  'principal',
  'channel',
  'connector',
  'type',
];

const MAX_LIMIT = 1000;

/** A query as SQL over the index, bound to what the index held when the page started. */
export interface AuditQueryPlan {
  sql: string;
  params: unknown[];
  /** Page size: one row more is fetched to tell whether more match. */
  size: number;
  /** The exclusive position the page starts from. */
  bound: number;
  newest: boolean;
}

export function planAuditQuery(
  { workspaceId, filter = {}, order = 'newest', after, limit = 100 }: AuditQuery,
  indexedThrough: number,
): AuditQueryPlan {
  const size = Math.max(1, Math.min(MAX_LIMIT, limit));
  const terms = SELECTIVITY.filter((kind) => filter[kind] !== undefined).map((kind) =>
    auditTerm(kind, filter[kind] as string),
  );
  const newest = order === 'newest';
  // A snapshot bound: a page never includes events indexed while it is read.
  const bound = after ?? (newest ? indexedThrough + 1 : 0);
  const [driver, ...others] = terms;
  const from =
    driver === undefined ? 'audit_events e' : 'audit_terms t JOIN audit_events e ON e.position = t.position';
  const column = driver === undefined ? 'e.position' : 't.position';
  const where = [
    driver === undefined ? 'e.workspace_id = ?' : 't.workspace_id = ? AND t.term = ?',
    `${column} ${newest ? '<' : '>'} ?`,
    ...(newest ? [] : [`${column} <= ?`]),
    ...others.map(
      () =>
        `EXISTS (SELECT 1 FROM audit_terms x WHERE x.workspace_id = ? AND x.term = ? AND x.position = ${column})`,
    ),
    ...(filter.from !== undefined ? ['e.occurred_at >= ?'] : []),
    ...(filter.to !== undefined ? ['e.occurred_at < ?'] : []),
  ];
  const sql = `SELECT e.position, e.event FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${column} ${newest ? 'DESC' : 'ASC'} LIMIT ?`;
  const params: unknown[] = [
    workspaceId,
    ...(driver === undefined ? [] : [driver]),
    bound,
    ...(newest ? [] : [indexedThrough]),
    ...others.flatMap((term) => [workspaceId, term]),
    ...(filter.from !== undefined ? [filter.from] : []),
    ...(filter.to !== undefined ? [filter.to] : []),
    size + 1,
  ];
  return { sql, params, size, bound, newest };
}
