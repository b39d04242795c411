import Database from 'better-sqlite3';
import { LimitedSelect } from './sqlite-limited-select';

function numbersTable(count: number) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE numbers (n INTEGER PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO numbers (n) VALUES (?)');
  for (let n = 1; n <= count; n++) insert.run(n);
  const prepared: string[] = [];
  const select = new LimitedSelect<[number], { n: number }>((limit) => {
    const sql = `SELECT n FROM numbers WHERE n >= ? ORDER BY n${limit}`;
    prepared.push(sql);
    return db.prepare(sql);
  });
  return { db, select, prepared };
}

describe('LimitedSelect', () => {
  it('given a limit, when reading, then at most that many rows come back, from a statement with the limit in its SQL', () => {
    const { select, prepared } = numbersTable(10);

    const rows = select.limited(3).all(4);

    expect(rows.map(({ n }) => n)).toEqual([4, 5, 6]);
    expect(prepared).toEqual(['SELECT n FROM numbers WHERE n >= ? ORDER BY n LIMIT 3']);
  });

  it('given a negative limit, when reading, then every row comes back, from a statement without a LIMIT', () => {
    const { select, prepared } = numbersTable(5);

    expect(
      select
        .limited(-1)
        .all(2)
        .map(({ n }) => n),
    ).toEqual([2, 3, 4, 5]);
    expect(
      select
        .limited(-7)
        .all(5)
        .map(({ n }) => n),
    ).toEqual([5]);
    expect(prepared).toEqual(['SELECT n FROM numbers WHERE n >= ? ORDER BY n']);
  });

  it('given reads with the same limit, when they follow each other, then the statement is prepared once', () => {
    const { select, prepared } = numbersTable(5);

    const first = select.limited(2);
    select.limited(4);
    const again = select.limited(2);

    expect(again).toBe(first);
    expect(prepared).toHaveLength(2);
  });

  it('given more distinct limits than are kept, when the oldest is asked for again, then it is prepared again and still reads right', () => {
    const { select, prepared } = numbersTable(30);

    for (let limit = 1; limit <= 17; limit++) select.limited(limit);
    const rows = select.limited(1).all(1);

    expect(rows).toEqual([{ n: 1 }]);
    expect(prepared).toHaveLength(18);
  });

  it('given a limit that is not a whole number, when asked for its statement, then it is refused before any SQL is written', () => {
    const { select, prepared } = numbersTable(1);

    expect(() => select.limited(1.5)).toThrow(RangeError);
    expect(() => select.limited(Number.NaN)).toThrow(RangeError);
    expect(prepared).toEqual([]);
  });
});
