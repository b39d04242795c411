import type { ReactNode } from 'react';
import type { AccessRequestSummary } from '../api/api-client';
import { TimeLeft } from '../common/time-left';
import { QuorumProgress, RequestFacts, WouldChange } from './request-facts';

/**
 * One pending request (or an extension asked of an active grant): what it asks, quorum progress, the time left to decide; `children` is what
 * the signed-in person may do about it (nothing for their own request).
 */
export function RequestCard(props: {
  request: AccessRequestSummary;
  fetchedAt: number;
  children?: ReactNode;
}) {
  const { request } = props;
  const headingId = `request-${request.requestId}`;
  return (
    <article className="card" aria-labelledby={headingId} data-request-id={request.requestId}>
      <h3 id={headingId}>
        {request.status === 'active' && 'Extension of '}
        {request.requestId}: {request.actions.join(', ')} on {request.resources.join(', ')}
      </h3>
      <RequestFacts request={request} />
      <WouldChange request={request} />
      <QuorumProgress request={request} />
      <TimeLeft seconds={request.approvalTimeLeftSeconds} since={props.fetchedAt} label="Time to decide" />
      {props.children}
    </article>
  );
}
