import type { AppConfig } from '@mandate/config';

/** How the console signs people in, as the API is configured: nothing secret, public by design. */
export type ConsoleSignIn =
  | { method: 'dev' }
  | { method: 'oidc'; issuer: string; clientId: string; scopes: string[]; resource: string }
  /** jwks mode without a console client at the issuer: the console cannot sign anyone in. */
  | { method: 'none' };

export function consoleSignIn(
  config: Pick<
    AppConfig,
    'AUTH_MODE' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'CONSOLE_OIDC_CLIENT_ID' | 'CONSOLE_OIDC_SCOPES'
  >,
): ConsoleSignIn {
  if (config.AUTH_MODE === 'dev') return { method: 'dev' };
  if (config.CONSOLE_OIDC_CLIENT_ID === undefined) return { method: 'none' };
  return {
    method: 'oidc',
    issuer: config.AUTH_ISSUER,
    clientId: config.CONSOLE_OIDC_CLIENT_ID,
    scopes: config.CONSOLE_OIDC_SCOPES.split(' ').filter(Boolean),
    // The access token is asked for Mandate's audience (RFC 8707), the one the API verifies.
    resource: config.AUTH_AUDIENCE,
  };
}

/** The origin the console's page may call besides its own: the issuer's (discovery, token). */
export function issuerOrigin(signIn: ConsoleSignIn): string | undefined {
  return signIn.method === 'oidc' ? new URL(signIn.issuer).origin : undefined;
}
