/** A text area's content as a value, or the sentence saying why it is not JSON (before any call). */
export function parseJson<T>(text: string, what: string): { value: T } | { invalid: string } {
  try {
    return { value: JSON.parse(text) as T };
  } catch (error) {
    return { invalid: `The ${what} is not valid JSON: ${(error as Error).message}` };
  }
}
