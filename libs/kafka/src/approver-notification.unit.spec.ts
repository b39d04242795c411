import type { RecordedEvent } from '@mandate/event-store';
import { notificationFor } from './approver-notification';

const event = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: '0193a1b2-0000-7000-8000-000000000001',
  type,
  streamId: 'access-request-r1',
  streamVersion: 0,
  globalPosition: 7,
  occurredAt: '2026-11-29T21:00:00.000Z',
  recordedAt: '2026-11-29T21:00:00.001Z',
  workspaceId: 'acme',
  actor: { kind: 'user', id: 'alice' },
  data: { requestId: 'r1', ...data },
  metadata: { correlationId: 'c', causationId: null, schemaVersion: 1 },
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
});

const requested = (mode: string) =>
  event('AccessRequested', {
    workspaceId: 'acme',
    channelId: 'deploys',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/api'],
    durationSeconds: 7200,
    reason: 'hotfix',
    ticket: null,
    requestedBy: 'alice',
    invokedBy: null,
    mode,
    policy: {
      approvers: [{ roles: ['approver'], principals: ['bob'] }],
      quorum: 1,
      maxDurationSeconds: 28800,
      approvalTimeoutSeconds: 86400,
      autoApproveUpToSeconds: null,
    },
    approvalDeadline: '2026-11-30T21:00:00.000Z',
  });

describe('approver notifications', () => {
  it('given a request needing approval, then approvers get a pending notification naming what, where, how long and why', () => {
    const notification = notificationFor(requested('approval'))!;

    expect(notification).toMatchObject({
      id: '0193a1b2-0000-7000-8000-000000000001:notification',
      kind: 'access-pending',
      workspaceId: 'acme',
      requestId: 'r1',
      approvers: [{ roles: ['approver'], principals: ['bob'] }],
    });
    expect(notification.message.text).toContain(
      '`write` on `acme/api` (github) in channel `deploys` for 2 h',
    );
    expect(notification.message.text).toContain('Reason: hotfix');
    expect(notification.message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: notification.message.text } },
    ]);
  });

  it.each([
    [
      'AccessApproved',
      { round: 0, approvers: ['bob', 'carol'] },
      'access-approved',
      'approved by bob, carol',
    ],
    ['AccessDenied', { deniedBy: 'bob', comment: 'not now' }, 'access-denied', 'denied by bob: not now'],
    ['AccessRequestTimedOut', {}, 'access-timed-out', 'timed out'],
    [
      'AccessExpired',
      { grantId: 'r1', expiresAt: '2026-11-29T23:00:00.000Z' },
      'access-expired',
      'expired at',
    ],
    [
      'AccessRevoked',
      { grantId: 'r1', revokedBy: 'bob', reason: 'done' },
      'access-revoked',
      'revoked by bob: done',
    ],
  ])('given %s, then a %s notification says so', (type, data, kind, text) => {
    const notification = notificationFor(event(type, data))!;

    expect(notification.kind).toBe(kind);
    expect(notification.message.text).toContain(text);
  });

  it('given events that need no approver (auto-approved or break-glass requests, votes, grants), then no notification', () => {
    expect(notificationFor(requested('auto-approve'))).toBeNull();
    expect(notificationFor(requested('break-glass'))).toBeNull();
    expect(notificationFor(event('AccessApprovalRecorded', { round: 0, approver: 'bob' }))).toBeNull();
    expect(notificationFor(event('AccessExtensionRequested', { autoApproved: true }))).toBeNull();
  });
});
