import { ApiHeader } from '@nestjs/swagger';
import { DomainError } from '@mandate/domain';

/** The entity tag of a revision: a quoted decimal, as `ETag` sends and `If-Match` echoes it. */
export const etagOf = (revision: number): string => `"${revision}"`;

/** What `If-Match` accepts (`"5"`, `5`, `W/"5"`); the OpenAPI document states it as the header's pattern. */
export const IF_MATCH_PATTERN = /^(?:W\/)?"?(\d{1,15})"?$/;

/**
 * A document replaced wholesale must say which revision it was based on, otherwise a concurrent
 * change would be silently overwritten: a missing `If-Match` is refused, not assumed.
 */
export function requiredRevision(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new DomainError(
      'validation',
      'if-match-required',
      'Send If-Match with the ETag of the revision you read (GET it first)',
      [{ path: 'headers.if-match', message: 'Required' }],
    );
  }
  const match = IF_MATCH_PATTERN.exec(ifMatch.trim());
  if (match === null) {
    throw new DomainError('validation', 'invalid-if-match', 'If-Match must be an ETag such as "3"', [
      { path: 'headers.if-match', message: 'must be one ETag such as "3"' },
    ]);
  }
  return Number(match[1]);
}

/** For a change that may be pinned: no `If-Match`, no pin; a malformed one is refused all the same. */
export function optionalRevision(ifMatch: string | undefined): number | undefined {
  return ifMatch === undefined ? undefined : requiredRevision(ifMatch);
}

/** The optional `If-Match` of a granular change, as the OpenAPI document states it. */
export const PinnedByIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'ETag of the revision read (GET); when given, a change made since is refused (409)',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  });
