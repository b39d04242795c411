import type { AccessRequestSummary } from '../api/api-client';
import { formatSeconds } from '../common/time-left';

/** Who asks, where, why, and for how long: what an approver reads before deciding. */
export function RequestFacts({ request }: { request: AccessRequestSummary }) {
  return (
    <dl className="facts">
      <dt>Requested by</dt>
      <dd data-testid="requester">{request.requestedBy}</dd>
      {request.invokedBy && (
        <>
          <dt>For</dt>
          <dd>{request.invokedBy}</dd>
        </>
      )}
      <dt>Channel</dt>
      <dd>#{request.channelId}</dd>
      <dt>Reason</dt>
      <dd>{request.reason || '—'}</dd>
      {request.ticket && (
        <>
          <dt>Ticket</dt>
          <dd>{request.ticket}</dd>
        </>
      )}
      <dt>Duration</dt>
      <dd>{formatSeconds(request.durationSeconds)}</dd>
    </dl>
  );
}

/** Every action × resource the request asks for, and whether the agent may do it today. */
export function WouldChange({ request }: { request: AccessRequestSummary }) {
  return (
    <table className="would-change">
      <caption>What approving would change ({request.connector})</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Resource</th>
          <th scope="col">Agent may today</th>
        </tr>
      </thead>
      <tbody>
        {request.wouldChange.map((row) => (
          <tr key={`${row.action} ${row.resource}`}>
            <td>{row.action}</td>
            <td>
              <code>{row.resource}</code>
            </td>
            <td title={row.reason}>{row.allowedNow ? 'yes' : 'no: would be granted'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "1 of 2 approvals (carol)". */
export function QuorumProgress({ request }: { request: AccessRequestSummary }) {
  return (
    <p className="quorum" data-testid="quorum">
      <meter min={0} max={request.quorum} value={request.approvals} aria-label="Approvals so far" />{' '}
      {request.approvals} of {request.quorum} approval{request.quorum === 1 ? '' : 's'}
      {request.votes.length > 0 && ` (${request.votes.join(', ')})`}
    </p>
  );
}
