import { useEffect, useState } from 'react';
import { createApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';
import {
  beginSignIn,
  completeSignIn,
  isAuthorizationResponse,
  type OidcSettings,
  RefusedByApi,
  signInProblemText,
} from './oidc-client';
import type { Session } from './session';

/** One completion per page load, even if React runs the effect twice. */
let completion: Promise<Session> | undefined;

/**
 * The console's session from the issuer's answer: the tokens, then `/v1/me` with the access token,
 * so that a token the API refuses (another audience, say) never becomes a session.
 */
async function sessionFromAnswer(settings: OidcSettings): Promise<Session> {
  const tokens = await completeSignIn(settings);
  const { data, error } = await createApiClient(tokens.accessToken).GET('/v1/me', {
    params: { query: { limit: 1 } },
  });
  if (!data) throw new RefusedByApi(`The API refused the token: ${problemText(error)}`);
  return {
    principalId: data.id,
    token: tokens.accessToken,
    expiresAt: tokens.expiresAt,
    idToken: tokens.idToken,
  };
}

/**
 * Sign-in with the organisation's identity provider (AUTH_MODE=jwks): authorization code with PKCE
 * at the issuer the API trusts; the console's address is the redirect URI, and this page finishes
 * the exchange when the issuer sends the person back.
 */
export function OidcSignInPage({
  settings,
  onSignedIn,
}: {
  settings: OidcSettings;
  onSignedIn: (session: Session) => void;
}) {
  const returning = isAuthorizationResponse();
  const [busy, setBusy] = useState(returning);
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    if (!returning && completion === undefined) return;
    completion ??= sessionFromAnswer(settings);
    completion.then(
      (session) => {
        completion = undefined;
        onSignedIn(session);
      },
      (error: unknown) => {
        completion = undefined;
        setProblem(signInProblemText(error));
        setBusy(false);
      },
    );
  }, [returning, settings, onSignedIn]);

  const signIn = () => {
    setBusy(true);
    setProblem(undefined);
    beginSignIn(settings).catch((error: unknown) => {
      setProblem(signInProblemText(error));
      setBusy(false);
    });
  };

  const issuerHost = new URL(settings.issuer).host;
  return (
    <main className="sign-in">
      <h1>Mandate console</h1>
      <p>
        Sign in with your organisation’s identity provider (<strong>{issuerHost}</strong>). You come back here
        once it knows who you are.
      </p>
      <button type="button" onClick={signIn} disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in with your identity provider'}
      </button>
      <ProblemAlert message={problem} />
    </main>
  );
}
