import { at, type EventTuple } from '../sqlite/sqlite-event-row';
import { PostgresReadAhead } from './postgres-read-ahead';

/** A log of `head` rows (only positions matter here) and the queries asked of it. */
class FakeLog {
  readonly asked: string[] = [];
  failing = false;

  constructor(public head: number) {}

  query = async (from: number, limit: number | null): Promise<EventTuple[]> => {
    this.asked.push(`${from}/${limit}`);
    if (this.failing) throw new Error('connection reset');
    const to = Math.min(this.head, limit === null ? this.head : from + limit - 1);
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => {
      const row = [] as unknown[];
      row[at.global_position] = from + index;
      return row as unknown as EventTuple;
    });
  };
}

const span = (rows: EventTuple[]) =>
  rows.length === 0 ? 'none' : `${rows[0][at.global_position]}-${rows[rows.length - 1][at.global_position]}`;

/** Reads pages of `limit` from 1 until an empty one, as a projection catching up does. */
async function walk(pages: PostgresReadAhead, limit: number): Promise<string[]> {
  const read: string[] = [];
  for (let from = 1; ;) {
    const page = await pages.page(from, limit);
    if (page.length === 0) return read;
    read.push(span(page));
    from = page[page.length - 1][at.global_position] + 1;
  }
}

describe('PostgreSQL read-ahead', () => {
  it('given a reader walking the log in pages, when it reads to the head, then it gets every page in order and the log is asked for chunks of four pages, not for each page', async () => {
    const log = new FakeLog(1_250);
    const pages = new PostgresReadAhead(log.query);

    const read = await walk(pages, 100);

    expect(read).toEqual([
      ...Array.from({ length: 12 }, (_, page) => `${page * 100 + 1}-${page * 100 + 100}`),
      '1201-1250',
    ]);
    expect(log.asked).toEqual(['1/100', '101/400', '501/400', '901/400', '1251/400', '1201/100', '1251/100']);
  });

  it('given a chunk fetched ahead that came back short, when pages past it are asked for after later appends, then what follows it is read again and nothing appended since is missed', async () => {
    const log = new FakeLog(250);
    const pages = new PostgresReadAhead(log.query);
    expect(span(await pages.page(1, 100))).toBe('1-100'); // fetches 101/400 ahead: 150 rows then

    log.head = 1_000;
    const next = [await pages.page(101, 100), await pages.page(201, 100), await pages.page(301, 100)];

    expect(next.map(span)).toEqual(['101-200', '201-300', '301-400']);
    // the short chunk's rows fill what they can; what follows them is asked for afresh
    expect(log.asked).toEqual(['1/100', '101/400', '251/400', '651/400']);
  });

  it('given a read ahead that failed, when its page is asked for, then it is read again and the failure is not the caller’s', async () => {
    const log = new FakeLog(1_000);
    const pages = new PostgresReadAhead(log.query);
    log.failing = true;
    await expect(pages.page(1, 100)).rejects.toThrow('connection reset');
    log.failing = false;
    await pages.page(1, 100);
    log.failing = true;
    await new Promise((resolve) => setImmediate(resolve)); // the chunk ahead fails
    log.failing = false;

    expect(span(await pages.page(101, 100))).toBe('101-200');
  });

  it('given lookups (a small limit) or a read to the head (no limit), when served, then nothing is fetched ahead', async () => {
    const log = new FakeLog(500);
    const pages = new PostgresReadAhead(log.query);

    await pages.page(7, 1);
    await pages.page(1, undefined);

    expect(log.asked).toEqual(['7/1', '1/null']);
  });

  it('given readers that stopped, when many walks were left behind, then only the latest few are kept', async () => {
    const log = new FakeLog(100_000);
    const pages = new PostgresReadAhead(log.query);
    for (let from = 1; from <= 20_000; from += 2_000) await pages.page(from, 100);

    log.asked.length = 0;
    await pages.page(101, 100); // the oldest walk: dropped, read again

    expect(log.asked[0]).toBe('101/100');
  });
});
