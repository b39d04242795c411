import type { AuditEvent, AuditEventsPage } from '../api/audit-answers';
import { TableScroll } from '../common/table-scroll';

/** The few fields an auditor scans for; the whole event is one click away. */
function summary(event: AuditEvent): string {
  if (typeof event.data !== 'object' || event.data === null) return '';
  const data = event.data as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['channelId', 'requestId', 'grantId', 'connector', 'principalId', 'reason']) {
    if (typeof data[key] === 'string') parts.push(`${key}: ${data[key]}`);
  }
  return parts.join(' · ');
}

/** One page of events, with the people behind each grant a decision names. */
export function EventsTable({ page }: { page: AuditEventsPage }) {
  const grants = Object.values(page.grants);
  return (
    <>
      <TableScroll label="Events">
        <table className="timeline">
          <caption>Events</caption>
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">When</th>
              <th scope="col">Type</th>
              <th scope="col">Actor</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {page.events.map((event) => (
              <tr
                key={event.globalPosition}
                data-position={event.globalPosition}
                data-event-type={event.type}
              >
                <td>{event.globalPosition}</td>
                <td>
                  <time dateTime={event.occurredAt}>{new Date(event.occurredAt).toLocaleString()}</time>
                </td>
                <td className="event-type">{event.type}</td>
                <td>
                  {event.actor.id} <span className="subtle">({event.actor.kind})</span>
                </td>
                <td>
                  {summary(event)}
                  <details>
                    <summary>Data</summary>
                    <pre>{JSON.stringify(event.data, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {grants.length > 0 && (
        <ul className="verdicts" aria-label="Grants named on this page">
          {grants.map((grant) => (
            <li key={grant.grantId}>
              Grant {grant.grantId}: requested by {grant.requestedBy ?? 'nobody named'}, approved by{' '}
              {grant.approvers.join(', ') || `no one (${grant.mode})`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
