import type { ZodType } from 'zod';
import { DomainError, type DomainErrorKind, type FieldIssue } from './domain-error';

/** Renders a zod-style path (`['connections', 2, 'actions']`) as `connections[2].actions`. */
export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, '');

/** Parses with a zod schema; a failure becomes one `validation` DomainError naming every field. */
export function parseOrThrow<T>(schema: ZodType<T>, value: unknown, code = 'invalid-input'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
  }));
  throw new DomainError('validation', code, `Invalid input: ${issues[0]?.path || 'value'}`, issues);
}

/** A field issue that also carries the stable code of the rule it breaks. */
export interface CodedIssue extends FieldIssue {
  code: string;
}

/**
 * Domain validation collects every issue before refusing, so a client fixes a document in one
 * round trip; the error's code is the first issue's code. These are rules about meaning (an unknown
 * connector, a private namespace, a duplicate id) on well-formed input, hence `unprocessable`
 * (422); `parseOrThrow` refuses the shape (`validation`, 400).
 */
export function throwIfIssues(issues: readonly CodedIssue[], kind: DomainErrorKind = 'unprocessable'): void {
  const [first] = issues;
  if (first === undefined) return;
  throw new DomainError(
    kind,
    first.code,
    first.message,
    issues.map(({ path, message }) => ({ path, message })),
  );
}
