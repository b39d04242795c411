import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { toOpenApiSchema } from '@mandate/http';
import { APP_CONFIG } from '../app.tokens';
import { consoleSignIn, type ConsoleSignIn } from './console-sign-in';

const consoleConfigDoc = toOpenApiSchema(
  z.object({
    signIn: z.discriminatedUnion('method', [
      z.object({ method: z.literal('dev') }),
      z.object({
        method: z.literal('oidc'),
        issuer: z.string().describe('The OpenID provider the API trusts (AUTH_ISSUER)'),
        clientId: z.string().describe("The console's public client at the issuer"),
        scopes: z.array(z.string()),
        resource: z.string().describe('The resource indicator (RFC 8707) asked for: the API’s audience'),
      }),
      z.object({ method: z.literal('none') }),
    ]),
  }),
);

/**
 * What the console must know before anyone signs in: how. Public, and nothing in it is secret (the
 * console is a public client; PKCE, not a client secret, protects its code exchange).
 */
@ApiTags('auth')
@Controller('v1/console/config')
export class ConsoleConfigController {
  private readonly signIn: ConsoleSignIn;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.signIn = consoleSignIn(config);
  }

  @Get()
  @Public()
  @ApiOkResponse({ schema: consoleConfigDoc })
  @ApiOperation({
    summary:
      "The console's sign-in: `dev` (AUTH_MODE=dev), `oidc` (authorization code + PKCE at the issuer, with the console's client id, scopes and the API's audience as resource), or `none` (jwks mode without CONSOLE_OIDC_CLIENT_ID).",
  })
  config(): { signIn: ConsoleSignIn } {
    return { signIn: this.signIn };
  }
}
