import { useCallback, useEffect, useState } from 'react';
import { createApiClient, problemText } from './api/api-client';
import { ProblemAlert } from './common/problem-alert';
import { ConsoleShell } from './session/console-shell';
import { endSessionUrl, type OidcSettings } from './session/oidc-client';
import { OidcSignInPage } from './session/oidc-sign-in-page';
import type { Session } from './session/session';
import { SignInPage } from './session/sign-in-page';

type SignIn = { method: 'dev' } | ({ method: 'oidc' } & OidcSettings) | { method: 'none' };

/**
 * Signed out: the sign-in page the API's configuration calls for (development sign-in, or the
 * identity provider's); signed in: the console, until sign-out or the session's end.
 */
export function App() {
  const [signIn, setSignIn] = useState<SignIn>();
  const [problem, setProblem] = useState<string>();
  const [session, setSession] = useState<Session>();

  useEffect(() => {
    void createApiClient()
      .GET('/v1/console/config')
      .then(
        ({ data, error }) => (data ? setSignIn(data.signIn) : setProblem(problemText(error))),
        (error: unknown) => setProblem(problemText(error)),
      );
  }, []);

  const signOut = useCallback(() => {
    const idToken = session?.idToken;
    setSession(undefined);
    // The tokens are gone from memory; the issuer's own session ends on its end-session page.
    if (signIn?.method === 'oidc' && idToken !== undefined) {
      void endSessionUrl(signIn, idToken).then(
        (url) => url !== undefined && window.location.assign(url),
        () => undefined,
      );
    }
  }, [session, signIn]);

  if (session !== undefined) {
    return <ConsoleShell session={session} onSignOut={signOut} onExpired={() => setSession(undefined)} />;
  }
  if (signIn === undefined) {
    return (
      <main className="sign-in">
        <h1>Mandate console</h1>
        {problem === undefined ? <p>Loading…</p> : <ProblemAlert message={problem} />}
      </main>
    );
  }
  if (signIn.method === 'dev') return <SignInPage onSignedIn={setSession} />;
  if (signIn.method === 'oidc') return <OidcSignInPage settings={signIn} onSignedIn={setSession} />;
  return (
    <main className="sign-in">
      <h1>Mandate console</h1>
      <p>
        This API verifies an identity provider’s tokens, but no console client is configured at the provider:
        set CONSOLE_OIDC_CLIENT_ID (see docs/console.md).
      </p>
    </main>
  );
}
