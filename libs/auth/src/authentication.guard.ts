import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from './access.decorators';
import { BearerAuthenticator } from './bearer-authenticator';
import type { Principal } from './principal';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Every route needs a verified bearer token unless marked `@Public()`; there is no anonymous fallback. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: BearerAuthenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.authenticator.authenticate(request.headers.authorization);
    if (!(principal instanceof Promise)) {
      request.principal = principal;
      return true;
    }
    return principal.then((verified) => {
      request.principal = verified;
      return true;
    });
  }
}
