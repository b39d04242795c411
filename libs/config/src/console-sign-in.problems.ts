import { LOOPBACK_HOSTS } from './client-transport.problems';
import type { AppConfig } from './config.schema';

/**
 * The console signs people in at the issuer with the authorization code flow, so in jwks mode the
 * issuer must be a URL the browser can discover (`/.well-known/openid-configuration`) over TLS;
 * plain http only for a loopback issuer outside production, as for AUTH_JWKS_URL. Dev mode has its
 * own sign-in, and an OIDC client there would be a second door nobody tests.
 */
export function consoleSignInProblems(config: AppConfig): string[] {
  if (config.CONSOLE_OIDC_CLIENT_ID === undefined) return [];
  if (config.AUTH_MODE !== 'jwks') return ['CONSOLE_OIDC_CLIENT_ID: only with AUTH_MODE=jwks'];
  const problems: string[] = [];
  if (!config.CONSOLE_OIDC_SCOPES.split(' ').includes('openid')) {
    problems.push('CONSOLE_OIDC_SCOPES: must include openid (the console checks the ID token)');
  }
  let issuer: URL;
  try {
    issuer = new URL(config.AUTH_ISSUER);
  } catch {
    return [...problems, 'AUTH_ISSUER: must be the issuer URL when CONSOLE_OIDC_CLIENT_ID is set'];
  }
  const loopback =
    issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname) && config.NODE_ENV !== 'production';
  if (issuer.protocol !== 'https:' && !loopback) {
    problems.push(
      'AUTH_ISSUER: must be an https URL for the console sign-in (http only for 127.0.0.1 or localhost outside production)',
    );
  }
  if (issuer.search !== '' || issuer.hash !== '') {
    problems.push('AUTH_ISSUER: an issuer URL has no query or fragment');
  }
  return problems;
}
