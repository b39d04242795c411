/**
 * Expected refusals are values with a stable code, never bare Errors. The HTTP edge maps `kind` to
 * a status (validation 400/422, unauthorized 401, forbidden 403, not_found 404, conflict 409,
 * too_many_requests 429, unavailable 503) and renders RFC 7807 problem+json; nothing else needs to
 * know about HTTP. A refusal that may be retried carries `details.retryAfterSeconds`, which the
 * edge also sends as `Retry-After`.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'unavailable';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `connections[2].actions[0]`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable, machine-readable, kebab-case (e.g. `unknown-connector`). */
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
