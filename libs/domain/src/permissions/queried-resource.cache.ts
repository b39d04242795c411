import { parentOf } from './pattern-index';
import { canonicalName, type SegmentSyntax } from './resource-normalizer';

/** A queried resource in canonical form, and the parent name every rule layer probes with it. */
export interface QueriedResource {
  readonly resource: string;
  readonly parent: string;
}

/** Names kept per connector syntax before the table starts over; longer names are not kept. */
export const MAX_REMEMBERED_NAMES = 4096;
const MAX_REMEMBERED_LENGTH = 256;

/** Remembered refusal: the name is outside the syntax (`malformed-resource`). */
const MALFORMED = Object.freeze({ resource: '', parent: '' }) as QueriedResource;

/**
 * One table per compiled syntax object: a syntax is frozen, so what a name canonicalises to under
 * it never changes; a recompiled catalog brings new syntax objects and the old tables go with them.
 */
const tables = new WeakMap<SegmentSyntax, Map<string, QueriedResource>>();

/**
 * `canonicalName` for a queried resource, remembered for the names services ask about again and
 * again: the scan, the alias check and the parent's slice (and its hash) are paid once per name,
 * not once per check. Keyed by the exact string as received and by the syntax object, so a name is
 * only ever answered with what the normaliser itself returned for that very name: the table
 * changes the cost of an answer, never the answer (a refusal is remembered as a refusal). Bounded:
 * at `MAX_REMEMBERED_NAMES` names the table of that syntax is emptied and fills again.
 */
export function queriedResource(text: string, syntax: SegmentSyntax): QueriedResource | undefined {
  let table = tables.get(syntax);
  const known = table?.get(text);
  if (known !== undefined) return known === MALFORMED ? undefined : known;
  const canonical = canonicalName(text, syntax);
  const queried =
    typeof canonical === 'string'
      ? Object.freeze({ resource: canonical, parent: parentOf(canonical) })
      : MALFORMED;
  if (text.length <= MAX_REMEMBERED_LENGTH) {
    if (table === undefined) tables.set(syntax, (table = new Map()));
    else if (table.size >= MAX_REMEMBERED_NAMES) table.clear();
    table.set(text, queried);
  }
  return queried === MALFORMED ? undefined : queried;
}

/** How many names are remembered for `syntax` (tests of the bound). */
export const rememberedNames = (syntax: SegmentSyntax): number => tables.get(syntax)?.size ?? 0;
