import { useCallback, useMemo, useState } from 'react';
import type { ApiClient, WorkspaceMembership } from '../api/api-client';
import type { UpdatesStatus } from '../api/access-request-updates';
import { ProblemAlert } from '../common/problem-alert';
import type { Session } from '../session/session';
import { ActiveGrantCard } from './active-grant-card';
import { RequestCard } from './request-card';
import { useAccessRequests } from './use-access-requests';

const STATUS_TEXT: Record<UpdatesStatus, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live: new requests and votes appear here as they happen.',
  reconnecting: 'Live updates interrupted; reconnecting…',
  stopped: 'Live updates are off; reload to try again.',
};

/** Cards shown at first, oldest (most urgent) first; the rest a click away. */
const PAGE = 50;

/** Roles that may end a grant (the API decides for the request at hand). */
const REVOKERS = new Set(['approver', 'admin', 'owner']);

/**
 * The approver inbox of one workspace: what waits for the signed-in person's decision, the grants
 * in force, and the person's own pending requests (shown, never decidable by them).
 */
export function InboxPage(props: {
  api: ApiClient;
  session: Session;
  membership: WorkspaceMembership;
  onOpenRequest: (requestId: string) => void;
}) {
  const { api, membership, onOpenRequest } = props;
  const { workspaceId } = membership;
  const { lists, problem, status, refresh } = useAccessRequests(api, workspaceId, props.session.token);
  const [notice, setNotice] = useState<{ text: string; requestId: string }>();
  const [shown, setShown] = useState(PAGE);
  const done = useCallback(
    (message: string, requestId: string) => {
      setNotice({ text: message, requestId });
      void refresh();
    },
    [refresh],
  );
  const decision = useMemo(() => ({ api, workspaceId, onDecided: done }), [api, workspaceId, done]);
  const mayRevoke = membership.roles.some((role) => REVOKERS.has(role));

  return (
    <>
      <h1>
        Approver inbox <span className="subtle">· {membership.name}</span>
      </h1>
      <p className="live-status" role="status" data-status={status}>
        {STATUS_TEXT[status]}
      </p>
      <p className="notice" role="status" data-testid="notice">
        {notice?.text}{' '}
        {notice && (
          <button type="button" className="link" onClick={() => onOpenRequest(notice.requestId)}>
            Open {notice.requestId}
          </button>
        )}
      </p>
      <ProblemAlert message={problem} />
      <section aria-labelledby="to-decide">
        <h2 id="to-decide">
          Waiting for your decision{lists && lists.toDecide.length > 0 && ` (${lists.toDecide.length})`}
        </h2>
        {lists?.toDecide.length === 0 && <p>Nothing waits for your decision.</p>}
        {lists?.toDecide.slice(0, shown).map((request) => (
          <RequestCard
            key={request.requestId}
            request={request}
            fetchedAt={lists.fetchedAt}
            decision={decision}
            onOpen={onOpenRequest}
          />
        ))}
        {lists && lists.toDecide.length > shown && (
          <button type="button" className="quiet" onClick={() => setShown((count) => count + PAGE)}>
            Show {Math.min(PAGE, lists.toDecide.length - shown)} more of {lists.toDecide.length - shown}{' '}
            waiting
          </button>
        )}
      </section>
      <section aria-labelledby="active-grants">
        <h2 id="active-grants">Active grants</h2>
        {lists?.active.length === 0 && <p>No grant is active.</p>}
        {lists?.active.map((grant) => (
          <ActiveGrantCard
            key={grant.requestId}
            api={api}
            workspaceId={workspaceId}
            grant={grant}
            fetchedAt={lists.fetchedAt}
            mayRevoke={mayRevoke}
            onChanged={done}
            onOpen={onOpenRequest}
          />
        ))}
      </section>
      <section aria-labelledby="mine">
        <h2 id="mine">Your pending requests</h2>
        {lists?.mine.length === 0 && <p>You have no pending request.</p>}
        {lists?.mine.map((request) => (
          <RequestCard
            key={request.requestId}
            request={request}
            fetchedAt={lists.fetchedAt}
            onOpen={onOpenRequest}
          />
        ))}
      </section>
    </>
  );
}
