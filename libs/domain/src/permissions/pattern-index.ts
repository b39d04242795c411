import type { ResourcePattern } from './resource-pattern';

/** `acme/api/wiki` → `acme/api`; a top-level name has the root (`''`) as parent. */
export const parentOf = (resource: string): string => {
  const slash = resource.lastIndexOf('/');
  return slash < 0 ? '' : resource.slice(0, slash);
};

/** What a compiled rule yields on a match; static rules never expire (`Infinity`). */
export interface IndexEntry<T> {
  readonly expiresAtMs: number;
  readonly value: T;
}

/**
 * Resource patterns compiled into hash lookups: exact names, parents of `x/*` and ancestors of
 * `x/**`. A lookup costs one probe for the exact name, one for the parent and one per ancestor
 * (resources are a few segments deep) — no regex, no scan over rules. Each bucket is sorted by
 * expiry, latest first, so "is anything here still active?" reads only the head.
 */
export class PatternIndex<T> {
  private readonly exact = new Map<string, IndexEntry<T>[]>();
  private readonly oneSegment = new Map<string, IndexEntry<T>[]>();
  private readonly anyDepth = new Map<string, IndexEntry<T>[]>();
  private entries = 0;

  get size(): number {
    return this.entries;
  }

  add(pattern: ResourcePattern, entry: IndexEntry<T>): void {
    const buckets = this.bucketsFor(pattern);
    const key = pattern.kind === 'exact' ? pattern.value : pattern.parent;
    const bucket = buckets.get(key);
    if (bucket === undefined) {
      buckets.set(key, [entry]);
    } else {
      // Stable: equal expiries keep insertion order, so the first static rule stays the answer.
      let at = bucket.length;
      while (at > 0 && bucket[at - 1].expiresAtMs < entry.expiresAtMs) at--;
      bucket.splice(at, 0, entry);
    }
    this.entries++;
  }

  remove(pattern: ResourcePattern, entry: IndexEntry<T>): void {
    const buckets = this.bucketsFor(pattern);
    const key = pattern.kind === 'exact' ? pattern.value : pattern.parent;
    const bucket = buckets.get(key);
    const at = bucket === undefined ? -1 : bucket.indexOf(entry);
    if (bucket === undefined || at < 0) return;
    bucket.splice(at, 1);
    if (bucket.length === 0) buckets.delete(key);
    this.entries--;
  }

  /**
   * The most specific entry still active at `nowMs` (exact, then `x/*`, then the deepest `x/**`).
   * A caller probing several indexes with one resource passes its `parent` once: the string and
   * its cached hash are then shared by every probe.
   */
  find(resource: string, nowMs: number, parent: string = parentOf(resource)): T | undefined {
    let bucket = this.exact.get(resource);
    if (bucket !== undefined && bucket[0].expiresAtMs > nowMs) return bucket[0].value;
    if (this.oneSegment.size > 0) {
      bucket = this.oneSegment.get(parent);
      if (bucket !== undefined && bucket[0].expiresAtMs > nowMs) return bucket[0].value;
    }
    if (this.anyDepth.size === 0) return undefined;
    bucket = this.anyDepth.get(parent);
    if (bucket !== undefined && bucket[0].expiresAtMs > nowMs) return bucket[0].value;
    if (parent === '') return undefined;
    for (let at = parent.lastIndexOf('/'); at > 0; at = parent.lastIndexOf('/', at - 1)) {
      bucket = this.anyDepth.get(parent.slice(0, at));
      if (bucket !== undefined && bucket[0].expiresAtMs > nowMs) return bucket[0].value;
    }
    bucket = this.anyDepth.get('');
    return bucket !== undefined && bucket[0].expiresAtMs > nowMs ? bucket[0].value : undefined;
  }

  private bucketsFor(pattern: ResourcePattern): Map<string, IndexEntry<T>[]> {
    switch (pattern.kind) {
      case 'exact':
        return this.exact;
      case 'one-segment':
        return this.oneSegment;
      case 'any-depth':
        return this.anyDepth;
    }
  }
}
