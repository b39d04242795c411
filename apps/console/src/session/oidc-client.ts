import * as oauth from 'oauth4webapi';

/** What the API says of its issuer (`GET /v1/console/config`, method `oidc`). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string[];
  resource: string;
}

export interface OidcTokens {
  accessToken: string;
  idToken: string;
  expiresAt: string;
}

/**
 * The one sign-in in flight: its state, nonce and PKCE verifier must outlive the trip to the
 * issuer, which replaces the page, so they wait in this tab's sessionStorage and are removed the
 * moment the answer comes back (used or not). Tokens never go there: they live in React state.
 */
const PENDING_KEY = 'mandate.console.pending-sign-in';

interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The console's own address is its redirect URI (the issuer must list it): `<origin>/console/`. */
export const redirectUri = (): string => new URL(import.meta.env.BASE_URL, window.location.origin).href;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http only to a loopback issuer, which the API accepts only outside production. */
function requestOptions(settings: OidcSettings) {
  const issuer = new URL(settings.issuer);
  return { [oauth.allowInsecureRequests]: issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname) };
}

async function discover(settings: OidcSettings): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(settings.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(settings) });
  return oauth.processDiscoveryResponse(issuer, response);
}

/** Goes to the issuer's sign-in page: authorization code with PKCE (S256), state and nonce. */
export async function beginSignIn(settings: OidcSettings): Promise<void> {
  const as = await discover(settings);
  if (as.authorization_endpoint === undefined) throw new Error('The issuer names no authorization endpoint.');
  const pending: PendingSignIn = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', settings.scopes.join(' '));
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('resource', settings.resource);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(url.href);
}

/** Whether this page load is the issuer's answer (a code or an error, with a state). */
export function isAuthorizationResponse(): boolean {
  const params = new URLSearchParams(window.location.search);
  return params.has('state') && (params.has('code') || params.has('error'));
}

function takePending(): PendingSignIn | undefined {
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (stored === null) return undefined;
  const parsed = JSON.parse(stored) as Partial<PendingSignIn>;
  return typeof parsed.state === 'string' &&
    typeof parsed.nonce === 'string' &&
    typeof parsed.codeVerifier === 'string'
    ? (parsed as PendingSignIn)
    : undefined;
}

/**
 * Finishes the sign-in on the console's page: the state must be the one this tab sent, the code is
 * exchanged with the PKCE verifier, and the ID token must carry this tab's nonce, this client as
 * audience and the issuer. The code leaves the address bar at once, before anything else runs.
 */
export async function completeSignIn(settings: OidcSettings): Promise<OidcTokens> {
  const answer = new URL(window.location.href);
  window.history.replaceState(null, '', answer.pathname);
  const pending = takePending();
  if (pending === undefined) throw new Error('No sign-in was started in this tab: sign in again.');
  const as = await discover(settings);
  const client: oauth.Client = { client_id: settings.clientId };
  const params = oauth.validateAuthResponse(as, client, answer, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(),
    pending.codeVerifier,
    { additionalParameters: { resource: settings.resource }, ...requestOptions(settings) },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  const seconds = tokens.expires_in ?? 300;
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token!,
    expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
  };
}

/**
 * Where sign-out goes once the tokens are dropped: the issuer's end-session page (RP-initiated
 * logout), which ends the issuer's own session and comes back to the console; undefined when the
 * issuer offers none (the tokens are gone either way).
 */
export async function endSessionUrl(settings: OidcSettings, idToken: string): Promise<string | undefined> {
  const as = await discover(settings);
  if (as.end_session_endpoint === undefined) return undefined;
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  return url.href;
}

/** A sign-in failure in words: the issuer's error and description, or the check that failed. */
export function signInProblemText(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError) {
    return `The identity provider refused the sign-in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`;
  }
  if (error instanceof RefusedByApi) return error.message;
  return error instanceof Error ? `Sign-in failed: ${error.message}` : 'Sign-in failed.';
}

/** The issuer signed the person in, but the API does not accept the token it issued. */
export class RefusedByApi extends Error {}
