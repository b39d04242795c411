/** A name split at the first separator: what comes before it (undefined: none in the name) and after. */
export interface NameParts {
  readonly head: string | undefined;
  readonly tail: string;
}

/** Names kept per separator before the table starts over; longer names are not kept. */
export const MAX_KEPT_NAMES = 4096;
const MAX_KEPT_LENGTH = 256;

/**
 * Splits AuthZEN names (`<workspace>/<channel>`, `<connector>:<action>`) at their first separator,
 * once per distinct name. A PEP asks about the same few subjects and actions again and again; a
 * fresh slice per evaluation is a new string each time, which every table of the evaluator then
 * hashes and compares again. The kept parts are the very strings a slice would give, so the table
 * changes the cost of a mapping, never its result. Bounded: at `MAX_KEPT_NAMES` the table is
 * emptied and fills again; names longer than any the check schema takes are split, not kept.
 */
export class NamePartsCache {
  private readonly kept = new Map<string, NameParts>();

  constructor(private readonly separator: string) {}

  split(name: string): NameParts {
    const known = this.kept.get(name);
    if (known !== undefined) return known;
    const at = name.indexOf(this.separator);
    const parts: NameParts =
      at < 0 ? { head: undefined, tail: name } : { head: name.slice(0, at), tail: name.slice(at + 1) };
    if (name.length <= MAX_KEPT_LENGTH) {
      if (this.kept.size >= MAX_KEPT_NAMES) this.kept.clear();
      this.kept.set(name, parts);
    }
    return parts;
  }

  /** How many names are kept (tests of the bound). */
  get size(): number {
    return this.kept.size;
  }
}
