/** One leaf that differs between two JSON values, by its path (`default.quorum`, `overrides`). */
export interface ValueChange {
  path: string;
  before: unknown;
  after: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Field-by-field differences between what was read and what the decider would record: objects are
 * walked key by key, anything else (lists included) compares as a whole, so a reordered list shows
 * as one change rather than as many.
 */
export function valueChanges(before: unknown, after: unknown, path = ''): ValueChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => valueChanges(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

const shown = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));

/** The differences as a list a person reads before saving. */
export function ValueChangesList({ changes, label }: { changes: ValueChange[]; label: string }) {
  if (changes.length === 0) return <p>{label}: nothing differs from what you loaded.</p>;
  return (
    <section aria-label={label}>
      <h4>{label}</h4>
      <ul className="value-changes">
        {changes.map(({ path, before, after }) => (
          <li key={path}>
            <code>{path}</code>: {shown(before)} → {shown(after)}
          </li>
        ))}
      </ul>
    </section>
  );
}
