import { DomainError, type FieldIssue } from '@mandate/domain';

/** Where the fields a decider names came from in the request, so problems point at them. */
export type IssueLocation = 'body' | 'params';

/**
 * A decider names fields as its command has them (`durationSeconds`); the problem names them as
 * the request had them (`body.durationSeconds`), like every other validation. Paths under
 * `headers.` (a revision the caller pinned with `If-Match`) already say where they came from.
 * Anything but a refusal naming fields passes through unchanged.
 */
export function locateIssues(error: unknown, location: IssueLocation): unknown {
  if (!(error instanceof DomainError) || error.issues.length === 0) return error;
  const issues: FieldIssue[] = error.issues.map((issue) => ({
    ...issue,
    path: issue.path.startsWith('headers.') ? issue.path : `${location}.${issue.path}`,
  }));
  return new DomainError(error.kind, error.code, error.message, issues, error.details);
}
