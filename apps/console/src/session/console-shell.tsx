import { useEffect, useMemo, useState } from 'react';
import { createApiClient, problemText, type WorkspaceMembership } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';
import { WorkspaceView } from '../workspace/workspace-view';
import type { Session } from './session';

/**
 * The signed-in frame: who is signed in, which workspace is shown (of those where the person holds
 * a role), sign-out. The session ends on its own when its token expires.
 */
export function ConsoleShell({
  session,
  onSignOut,
  onExpired,
}: {
  session: Session;
  onSignOut: () => void;
  /** The token's end: the session is dropped, nobody is sent anywhere. */
  onExpired: () => void;
}) {
  const api = useMemo(() => createApiClient(session.token), [session.token]);
  const [workspaces, setWorkspaces] = useState<WorkspaceMembership[]>();
  const [workspaceId, setWorkspaceId] = useState<string>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    void api.GET('/v1/me', { params: { query: { limit: 100 } } }).then(
      ({ data, error }) => {
        if (!data) return setProblem(problemText(error));
        setWorkspaces(data.workspaces.items);
        setWorkspaceId((current) => current ?? data.workspaces.items[0]?.workspaceId);
      },
      (error: unknown) => setProblem(problemText(error)),
    );
  }, [api]);

  useEffect(() => {
    const timer = setTimeout(onExpired, Math.max(0, Date.parse(session.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [session.expiresAt, onExpired]);

  const membership = workspaces?.find((workspace) => workspace.workspaceId === workspaceId);
  return (
    <>
      <header className="shell-header">
        <span className="brand">Mandate</span>
        {workspaces && workspaces.length > 1 && (
          <label className="workspace-picker">
            Workspace
            <select value={workspaceId} onChange={(event) => setWorkspaceId(event.target.value)}>
              {workspaces.map((workspace) => (
                <option key={workspace.workspaceId} value={workspace.workspaceId}>
                  {workspace.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="signed-in-as">
          Signed in as <strong>{session.principalId}</strong>
        </span>
        <button type="button" className="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        <ProblemAlert message={problem} />
        {workspaces?.length === 0 && <p>You hold no role in any workspace.</p>}
        {membership && (
          <WorkspaceView key={membership.workspaceId} api={api} session={session} membership={membership} />
        )}
      </main>
    </>
  );
}
