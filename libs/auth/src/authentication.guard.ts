import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@mandate/domain';
import { PUBLIC_ROUTE } from './access.decorators';
import type { Principal } from './principal';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/;

/** Every route needs a verified bearer token unless marked `@Public()`; there is no anonymous fallback. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.length === 0) {
      throw new DomainError('unauthorized', 'missing-token', 'A bearer token is required.');
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      throw new DomainError('unauthorized', 'invalid-token', 'Authorization must be "Bearer <JWT>".');
    }
    request.principal = await this.verifier.verify(token);
    return true;
  }
}
