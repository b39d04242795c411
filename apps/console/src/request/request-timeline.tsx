import type { AccessRequestDetail } from '../api/api-client';
import { formatSeconds } from '../common/time-left';

type TimelineEvent = AccessRequestDetail['timeline'][number];

/** "AccessApprovalRecorded" → "Approval recorded". */
export const eventTitle = (type: string): string => {
  const words = type
    .replace(/^Access/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** What an event says beyond its type: the comment, reason, duration or expiry it carries. */
function details(data: TimelineEvent['data']): string {
  const parts: string[] = [];
  const text = (key: string) =>
    typeof data[key] === 'string' && data[key] !== '' ? String(data[key]) : null;
  const comment = text('comment');
  const reason = text('reason');
  if (comment) parts.push(`“${comment}”`);
  if (reason) parts.push(`reason: ${reason}`);
  if (typeof data.durationSeconds === 'number') parts.push(`for ${formatSeconds(data.durationSeconds)}`);
  const expiresAt = text('expiresAt');
  if (expiresAt) parts.push(`until ${new Date(expiresAt).toLocaleString()}`);
  return parts.join(' · ');
}

/** Every event of the request, oldest first: what happened, who did it, when, and what they said. */
export function RequestTimeline({ timeline }: { timeline: TimelineEvent[] }) {
  return (
    <table className="timeline">
      <caption>Timeline</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {timeline.map((event) => (
          <tr key={event.position} data-event-type={event.type}>
            <td>
              <time dateTime={event.occurredAt}>{new Date(event.occurredAt).toLocaleString()}</time>
            </td>
            <td>{eventTitle(event.type)}</td>
            <td>{event.actor.id}</td>
            <td>{details(event.data)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
