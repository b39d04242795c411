import type { AccessRequested, AccessRequestEvent } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';

export type NotificationKind =
  | 'access-pending'
  | 'extension-pending'
  | 'access-approved'
  | 'access-denied'
  | 'access-timed-out'
  | 'access-cancelled'
  | 'access-revoked'
  | 'access-expired';

/** What approvers are told about a JIT request, in a Slack-compatible shape plus the facts. */
export interface ApproverNotification {
  /** `<event id>:notification`: one notification per event, so re-deliveries dedupe. */
  id: string;
  kind: NotificationKind;
  workspaceId: string;
  requestId: string;
  eventId: string;
  occurredAt: string;
  /** Who should act or know: approver roles and principals (pending requests only). */
  approvers?: { roles: string[]; principals: string[] }[];
  /** Slack-compatible message (incoming webhook `text` + `blocks`). */
  message: { text: string; blocks: Array<{ type: 'section'; text: { type: 'mrkdwn'; text: string } }> };
}

/** The data of one kind of access event, as the domain defines it. */
type AccessEventData<T extends AccessRequestEvent['type']> = Extract<AccessRequestEvent, { type: T }>['data'];

const duration = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

const listed = (values: string[]) => values.map((value) => `\`${value}\``).join(', ');

/**
 * The notification an access event calls for, or null. Pure: everything comes from the event, so
 * the notifier needs no state and a replay produces the same notifications (with the same ids).
 */
export function notificationFor(event: RecordedEvent): ApproverNotification | null {
  const data = event.data as Record<string, unknown> & { requestId: string };
  const make = (kind: NotificationKind, text: string, extra: Partial<ApproverNotification> = {}) => ({
    id: `${event.id}:notification`,
    kind,
    workspaceId: event.workspaceId,
    requestId: data.requestId,
    eventId: event.id,
    occurredAt: event.occurredAt,
    ...extra,
    message: { text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] },
  });
  switch (event.type) {
    case 'AccessRequested': {
      const request = event.data as AccessRequested;
      if (request.mode !== 'approval') return null;
      return make(
        'access-pending',
        `*Access request \`${request.requestId}\` needs approval* (${request.policy.quorum} needed, by ${request.approvalDeadline})\n` +
          `${request.requestedBy} asks for ${listed(request.actions)} on ${listed(request.resources)} ` +
          `(${request.connector}) in channel \`${request.channelId}\` for ${duration(request.durationSeconds)}.\n` +
          `Reason: ${request.reason}`,
        { approvers: request.policy.approvers },
      );
    }
    case 'AccessExtensionRequested': {
      const extension = event.data as AccessEventData<'AccessExtensionRequested'>;
      if (extension.autoApproved) return null;
      return make(
        'extension-pending',
        `*Extension of access \`${data.requestId}\` needs approval*\n${extension.requestedBy} asks for ` +
          `${duration(extension.durationSeconds)} more. Reason: ${extension.reason}`,
      );
    }
    case 'AccessApproved':
      return make(
        'access-approved',
        `Access request \`${data.requestId}\` approved by ${(data.approvers as string[]).join(', ')}.`,
      );
    case 'AccessDenied':
      return make(
        'access-denied',
        `Access request \`${data.requestId}\` denied by ${String(data.deniedBy)}${data.comment ? `: ${String(data.comment)}` : '.'}`,
      );
    case 'AccessRequestTimedOut':
      return make('access-timed-out', `Access request \`${data.requestId}\` timed out without a decision.`);
    case 'AccessRequestCancelled':
      return make(
        'access-cancelled',
        `Access request \`${data.requestId}\` was cancelled by ${String(data.cancelledBy)}.`,
      );
    case 'AccessRevoked':
      return make(
        'access-revoked',
        `Access \`${data.requestId}\` revoked by ${String(data.revokedBy)}: ${String(data.reason)}`,
      );
    case 'AccessExpired':
      return make('access-expired', `Access \`${data.requestId}\` expired at ${String(data.expiresAt)}.`);
    default:
      return null;
  }
}
