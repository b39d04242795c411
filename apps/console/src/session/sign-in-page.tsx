import { type FormEvent, useState } from 'react';
import { createApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';
import type { Session } from './session';

/**
 * Development sign-in: the API mints a session for the named person (only when it runs with
 * AUTH_MODE=dev; it refuses otherwise, and the refusal is shown).
 */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [principalId, setPrincipalId] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const signIn = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const { data, error } = await createApiClient().POST('/v1/dev/sessions', {
        body: { principalId: principalId.trim() },
      });
      if (data) onSignedIn({ principalId: data.principal.id, token: data.token, expiresAt: data.expiresAt });
      else setProblem(problemText(error));
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Mandate console</h1>
      <p>Development sign-in: the API issues a one-hour session for the person you name.</p>
      <form onSubmit={signIn} className="stack">
        <label htmlFor="principal-id">Your principal id</label>
        <input
          id="principal-id"
          name="principalId"
          autoComplete="username"
          required
          value={principalId}
          onChange={(event) => setPrincipalId(event.target.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ProblemAlert message={problem} />
    </main>
  );
}
