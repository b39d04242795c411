import { useState } from 'react';
import { ConsoleShell } from './session/console-shell';
import type { Session } from './session/session';
import { SignInPage } from './session/sign-in-page';

/** Signed out: the sign-in page; signed in: the console, until sign-out or the session's end. */
export function App() {
  const [session, setSession] = useState<Session>();
  return session === undefined ? (
    <SignInPage onSignedIn={setSession} />
  ) : (
    <ConsoleShell session={session} onSignOut={() => setSession(undefined)} />
  );
}
