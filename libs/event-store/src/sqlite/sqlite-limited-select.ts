import type Database from 'better-sqlite3';

/** Distinct limits kept prepared per query (reads use a handful: a page, one event, all). */
const KEPT_LIMITS = 16;

/**
 * A SELECT whose LIMIT is written into its SQL instead of bound. SQLite's planner reads the value
 * of a bound LIMIT, so a statement with `LIMIT ?` is prepared again whenever it is bound anew:
 * ~15 µs on every read, two to three times what a short read costs otherwise. Here each limit has
 * its statement (and "no limit" one without the clause), prepared once; the most recently used
 * are kept.
 */
export class LimitedSelect<Params extends unknown[], Row> {
  private readonly statements = new Map<number, Database.Statement<Params, Row>>();

  /** `prepare` gets the clause to end the SQL with: ` LIMIT n`, or nothing. */
  constructor(private readonly prepare: (limitClause: string) => Database.Statement<Params, Row>) {}

  /** The statement that reads at most `limit` rows; a negative limit reads them all. */
  limited(limit: number): Database.Statement<Params, Row> {
    const key = limit < 0 ? -1 : limit;
    if (!Number.isSafeInteger(key)) throw new RangeError(`A read's limit is a whole number, not ${limit}`);
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.prepare(key < 0 ? '' : ` LIMIT ${key}`);
      if (this.statements.size >= KEPT_LIMITS) this.statements.delete(this.statements.keys().next().value!);
    } else {
      this.statements.delete(key);
    }
    this.statements.set(key, statement);
    return statement;
  }
}
