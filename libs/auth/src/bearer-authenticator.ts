import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@mandate/domain';
import type { Principal } from './principal';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/;

/**
 * The one reading of an `Authorization` header, shared by the guard of Nest routes and the plain
 * Fastify check routes. Synchronous when the verifier recalls the token, so a service repeating its
 * token costs no promise per request.
 */
@Injectable()
export class BearerAuthenticator {
  /**
   * The last header that held a well-formed token, and that token: a service repeating its header
   * skips the pattern match, and the verifier's lookup reuses a string whose hash is already
   * computed (a header arrives as a new string each time, so its token would be hashed anew).
   * Only the parsing is skipped: the verifier is asked every time, expiry included.
   */
  private lastHeader = '';
  private lastToken = '';

  constructor(@Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier) {}

  authenticate(header: string | string[] | undefined): Principal | Promise<Principal> {
    if (typeof header !== 'string' || header.length === 0) {
      throw new DomainError('unauthorized', 'missing-token', 'A bearer token is required.');
    }
    const token = header === this.lastHeader ? this.lastToken : this.tokenOf(header);
    return this.verifier.recall?.(token) ?? this.verifier.verify(token);
  }

  private tokenOf(header: string): string {
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      throw new DomainError('unauthorized', 'invalid-token', 'Authorization must be "Bearer <JWT>".');
    }
    this.lastHeader = header;
    this.lastToken = token;
    return token;
  }
}
