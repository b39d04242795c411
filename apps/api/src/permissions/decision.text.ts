import type { Provenance } from '@mandate/domain';

/**
 * `"reason":…,"provenance":…` of a compiled decision. Decisions are compiled once and frozen, and
 * one is the answer to every check its rule decides, so its text is written once and kept by its
 * provenance object (with the reason it was written with, compared on every use).
 */
const decisionTexts = new WeakMap<Provenance, { reason: string; text: string }>();

/** Kept only for a frozen provenance of strings: nothing can change it after it was written. */
const keepable = (provenance: Provenance): boolean =>
  Object.isFrozen(provenance) && Object.values(provenance).every((value) => typeof value === 'string');

/** The same text `JSON.stringify` writes for these two members, written once per compiled decision. */
export function reasonAndProvenanceText(reason: string, provenance: Provenance): string {
  const known = decisionTexts.get(provenance);
  if (known !== undefined && known.reason === reason) return known.text;
  const text = `"reason":${JSON.stringify(reason)},"provenance":${JSON.stringify(provenance)}`;
  if (keepable(provenance)) decisionTexts.set(provenance, { reason, text });
  return text;
}
