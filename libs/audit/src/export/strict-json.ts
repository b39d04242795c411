/** Text that is not one JSON value, or an object naming a member twice. */
export class StrictJsonError extends Error {}

export interface StrictJson {
  value: unknown;
  /** The exact source text of each member of the top-level object (empty for other values). */
  members: Map<string, string>;
}

/**
 * Parses one JSON text and refuses any object that names a member twice (RFC 8259 leaves
 * duplicates to each reader; JavaScript keeps the last, other readers the first, so a line with
 * duplicates reads differently to different auditors). `JSON.parse` decides validity; a second
 * scan over the now known-valid text compares member names after unescaping (`"d\u0061ta"` is
 * `"data"`) and records the source span of each top-level member, so a hash can be recomputed over
 * the bytes that were written rather than over a re-serialisation.
 */
export function parseStrictJson(text: string): StrictJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StrictJsonError('not JSON');
  }
  const members = new Map<string, string>();
  /** One entry per open container: the names seen so far (objects) or null (arrays). */
  const open: (Set<string> | null)[] = [];
  /** In an object, whether the next string is a member name. */
  let expectName = false;
  /** The top-level member whose value is being read, and where that value starts. */
  let topName: string | undefined;
  let topStart = -1;
  const closeTopValue = (end: number) => {
    if (topName === undefined) return;
    members.set(topName, text.slice(topStart, end).trim());
    topName = undefined;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      const end = endOfString(text, index);
      const names = open.at(-1);
      if (names && expectName) {
        const name = JSON.parse(text.slice(index, end + 1)) as string;
        if (names.has(name)) throw new StrictJsonError(`the member ${JSON.stringify(name)} appears twice`);
        names.add(name);
        if (open.length === 1) topName = name;
        expectName = false;
      }
      index = end;
    } else if (char === ':') {
      if (open.length === 1) topStart = index + 1;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      expectName = char === '{';
    } else if (char === '}' || char === ']') {
      if (open.length === 1) closeTopValue(index);
      open.pop();
      expectName = false;
    } else if (char === ',') {
      if (open.length === 1) closeTopValue(index);
      expectName = open.at(-1) !== null;
    }
  }
  return { value, members };
}

/** Index of the closing quote of the string starting at `start` (the text is valid JSON). */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  for (;;) {
    const quote = text.indexOf('"', index);
    let backslashes = 0;
    while (text[quote - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return quote;
    index = quote + 1;
  }
}
