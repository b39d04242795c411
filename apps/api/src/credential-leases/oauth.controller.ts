import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Public, type Principal, RequireScope } from '@mandate/auth';
import { MandateJwtSigner } from '@mandate/credentials';
import { ZodBody } from '@mandate/http';
import { introspectionDoc, jwksDoc } from './credential-leases.responses';
import { INTROSPECT_SCOPE, type IntrospectionAnswer, LeaseIntrospection } from './lease-introspection';

/** RFC 7662 §2.1; a token longer than any lease token Mandate signs is simply not one of them. */
const introspectionBody = z.strictObject({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().max(100).optional(),
  // The request the token is about to serve (host without port, path without query, method):
  // a narrowed lease's token is active only for one named and inside its narrowing.
  host: z.string().min(1).max(253).optional(),
  path: z.string().min(1).max(2048).optional(),
  method: z.string().min(1).max(16).optional(),
});

/**
 * Verifying `mandate-jwt` leases: offline with the published keys, online by introspection. The
 * key set is public, as every JWKS is; introspection is for bound services holding
 * `credentials:introspect` (the services a lease token is presented to).
 */
@ApiTags('credential leases')
@Controller()
export class OAuthController {
  constructor(
    private readonly signer: MandateJwtSigner,
    private readonly introspection: LeaseIntrospection,
  ) {}

  @Get('.well-known/jwks.json')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys that verify mandate-jwt lease tokens (every key in rotation).' })
  @ApiOkResponse({ schema: jwksDoc })
  jwks() {
    return this.signer.jwks();
  }

  @Post('v1/oauth/introspect')
  @HttpCode(200)
  @RequireScope(INTROSPECT_SCOPE)
  @Header('cache-control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary:
      'RFC 7662 introspection of a mandate-jwt lease token: active only while its lease is, only for a service bound to its workspace, and for a narrowed lease only for a request (host, path, method) inside its narrowing.',
  })
  @ApiOkResponse({ schema: introspectionDoc })
  introspect(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(introspectionBody) { token, host, path, method }: z.infer<typeof introspectionBody>,
  ): Promise<IntrospectionAnswer> {
    return this.introspection.introspect(principal, token, { host, path, method });
  }
}
