import { at, type EventTuple } from '../sqlite/sqlite-event-row';

/** Readers walking the log at once that keep rows fetched ahead; the oldest is dropped beyond. */
const MAX_READERS_AHEAD = 8;
/** Smaller reads are lookups (the row at a position, the head), not walks: nothing is fetched ahead. */
const MIN_PAGE_AHEAD = 100;
/** Rows fetched ahead per query: four pages, at most this many unless a page is larger. */
const MAX_CHUNK_ROWS = 4_096;

/** `limit` null: to the head. */
type Query = (fromPosition: number, limit: number | null) => Promise<EventTuple[]>;

/** A reader walking the log: rows fetched from `from` on, and the query for what follows them. */
interface Walk {
  limit: number;
  from: number;
  rows: EventTuple[];
  /** Rows from `from + rows.length` on, or undefined once a query failed or came back short. */
  next: Promise<EventTuple[] | undefined> | undefined;
}

/**
 * Reads the log a page at a time. Once a reader has had a full page, what follows is fetched
 * ahead in chunks of several pages, the next chunk asked for as soon as one arrives: a reader
 * walking the log (a projection catching up, the relay, the chain verifier) then pays one round
 * trip per chunk rather than per page, and PostgreSQL produces the next chunk while the caller
 * parses and applies this one. Only full pages are ever served from what was fetched ahead:
 * positions are gapless and committed rows never change, so a full page from N is exactly what a
 * query from N returns later. A chunk that came back short (the head was reached) may predate
 * later appends: its rows are served only as far as they fill pages, the rest is read again.
 */
export class PostgresReadAhead {
  private readonly walks = new Map<string, Walk>();

  constructor(private readonly query: Query) {}

  async page(fromPosition: number, limit: number | undefined): Promise<EventTuple[]> {
    if (limit === undefined) return this.query(fromPosition, null);
    const key = `${fromPosition}/${limit}`;
    const walk = this.walks.get(key);
    this.walks.delete(key);
    const ahead = walk && (await this.fromWalk(walk));
    if (ahead) {
      this.keep(walk);
      return ahead;
    }
    const page = await this.query(fromPosition, limit);
    if (page.length === limit && limit >= MIN_PAGE_AHEAD) {
      this.keep({ limit, from: fromPosition + limit, rows: [], next: undefined });
    }
    return page;
  }

  /** The walk's next full page, or undefined when what was fetched ahead cannot fill one. */
  private async fromWalk(walk: Walk): Promise<EventTuple[] | undefined> {
    if (walk.rows.length < walk.limit && walk.next) {
      const chunk = await walk.next;
      walk.next = undefined;
      if (chunk) {
        walk.rows = walk.rows.concat(chunk);
        if (chunk.length === chunkSize(walk.limit)) walk.next = this.fetch(walk);
      }
    }
    if (walk.rows.length < walk.limit) return undefined;
    const page = walk.rows.slice(0, walk.limit);
    walk.rows = walk.rows.slice(walk.limit);
    walk.from += walk.limit;
    return page;
  }

  /** Keeps `walk` for its next page, with the following rows on their way. */
  private keep(walk: Walk): void {
    walk.next ??= this.fetch(walk);
    this.walks.set(`${walk.from}/${walk.limit}`, walk);
    // A reader that stopped leaves its walk behind: the oldest goes first.
    if (this.walks.size > MAX_READERS_AHEAD) this.walks.delete(this.walks.keys().next().value!);
  }

  private fetch(walk: Walk): Promise<EventTuple[] | undefined> {
    const after = walk.rows.length > 0 ? walk.rows[walk.rows.length - 1][at.global_position] + 1 : walk.from;
    // A failure here is not the caller's: its page is read again when asked for.
    return this.query(after, chunkSize(walk.limit)).catch(() => undefined);
  }
}

const chunkSize = (limit: number): number => Math.max(limit, Math.min(4 * limit, MAX_CHUNK_ROWS));
