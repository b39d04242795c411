import { memo } from 'react';
import type { AccessRequestSummary, ApiClient } from '../api/api-client';
import { TimeLeft } from '../common/time-left';
import { DecisionForm } from './decision-form';
import { QuorumProgress, RequestFacts, WouldChange } from './request-facts';

interface RequestCardProps {
  request: AccessRequestSummary;
  /** When the API answered, for the countdown. */
  fetchedAt: number;
  /** Given when the signed-in person may decide it: the approve / deny form. */
  decision?: { api: ApiClient; workspaceId: string; onDecided: (message: string, requestId: string) => void };
  /** Opens the request's page (its timeline). */
  onOpen: (requestId: string) => void;
}

/**
 * One pending request (or an extension asked of an active grant): what it asks, quorum progress,
 * the time left to decide, and the decision form when the person may decide it (never for their
 * own request).
 */
function RequestCardView({ request, fetchedAt, decision, onOpen }: RequestCardProps) {
  const headingId = `request-${request.requestId}`;
  return (
    <article className="card" aria-labelledby={headingId} data-request-id={request.requestId}>
      <h3 id={headingId}>
        {request.status === 'active' && 'Extension of '}
        <button type="button" className="link" onClick={() => onOpen(request.requestId)}>
          {request.requestId}
        </button>
        : {request.actions.join(', ')} on {request.resources.join(', ')}
      </h3>
      <RequestFacts request={request} />
      <WouldChange request={request} />
      <QuorumProgress request={request} />
      <TimeLeft seconds={request.approvalTimeLeftSeconds} since={fetchedAt} label="Time to decide" />
      {decision && (
        <DecisionForm
          api={decision.api}
          workspaceId={decision.workspaceId}
          requestId={request.requestId}
          onDecided={decision.onDecided}
        />
      )}
    </article>
  );
}

/** The request as shown, less the countdowns, which tick on their own between reads. */
const shown = ({ approvalTimeLeftSeconds: _a, accessTimeLeftSeconds: _b, ...rest }: AccessRequestSummary) =>
  JSON.stringify(rest);

/**
 * Each read of the lists brings new objects: a card renders again only when its request changed,
 * so a vote on one of hundreds of requests re-renders one card.
 */
export const RequestCard = memo(
  RequestCardView,
  (before, after) =>
    before.onOpen === after.onOpen &&
    before.decision?.api === after.decision?.api &&
    before.decision?.workspaceId === after.decision?.workspaceId &&
    before.decision?.onDecided === after.decision?.onDecided &&
    shown(before.request) === shown(after.request),
);
