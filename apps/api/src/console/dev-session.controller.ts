import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { decodeJwt } from 'jose';
import { mintDevToken, Public } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { DomainError, principalIdSchema } from '@mandate/domain';
import { toOpenApiSchema, ZodBody } from '@mandate/http';
import { APP_CONFIG } from '../app.tokens';

/** A console session lasts an hour at most, less when tokens may not live that long. */
const SESSION_SECONDS = 3600;

const devSessionBody = z.strictObject({ principalId: principalIdSchema });
type DevSessionBody = z.infer<typeof devSessionBody>;

export interface DevSession {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  principal: { kind: 'user'; id: string };
}

const devSessionDoc = toOpenApiSchema(
  z.object({
    token: z.string().describe('A bearer token for the principal, signed with the dev key'),
    tokenType: z.literal('Bearer'),
    expiresAt: z.string(),
    principal: z.object({ kind: z.literal('user'), id: z.string() }),
  }),
);

/**
 * Sign-in of the web console in development: a user session for any named principal, exactly what
 * `npm run cli -- token --sub <id>` mints. Refused unless `AUTH_MODE=dev` (which production refuses
 * to start with); identity providers sign people in everywhere else. Users only: a service's
 * token (and its scopes) is the platform's to mint, not a browser's.
 */
@ApiTags('auth')
@Controller('v1/dev/sessions')
export class DevSessionController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post()
  @Public()
  @HttpCode(201)
  @ApiCreatedResponse({ schema: devSessionDoc })
  @ApiOperation({
    summary:
      'Development only (AUTH_MODE=dev; 403 `dev-mode-only` otherwise): a one-hour user token for the named principal, for the console’s sign-in page.',
  })
  async create(@ZodBody(devSessionBody) { principalId }: DevSessionBody): Promise<DevSession> {
    if (this.config.AUTH_MODE !== 'dev') {
      throw new DomainError(
        'forbidden',
        'dev-mode-only',
        'Dev sessions exist only when AUTH_MODE=dev; sign in with the identity provider.',
      );
    }
    const seconds = Math.min(SESSION_SECONDS, this.config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
    const token = await mintDevToken(
      { sub: principalId, kind: 'user', scopes: [], ttl: `${seconds}s` },
      this.config,
    );
    const expiresAt = new Date((decodeJwt(token).exp ?? 0) * 1000).toISOString();
    return { token, tokenType: 'Bearer', expiresAt, principal: { kind: 'user', id: principalId } };
  }
}
