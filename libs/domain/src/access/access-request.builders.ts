import type { WorkspaceRole } from '../common/workspace-role';
import type { AccessRequestCommand } from './access-request.commands';
import type { AccessRequestEvent } from './access-request.events';
import {
  type ApprovalPolicy,
  defaultApprovalPolicy,
  type ResolvedApprovalPolicy,
} from './approval-policy.model';

/**
 * Builders for the access request specs: one request `req-1` by `rita`, asked for by the agent
 * `ivan` invoked, decided by approvers. Each builder takes only what a spec changes.
 */

type Data<T extends AccessRequestEvent['type']> = Extract<AccessRequestEvent, { type: T }>['data'];

export const t0 = '2026-11-29T12:00:00.000Z';
export const t1 = '2026-11-29T12:05:00.000Z';
export const at = (instant: string, seconds: number) =>
  new Date(Date.parse(instant) + seconds * 1000).toISOString();

export const as = (id: string, callerRoles: WorkspaceRole[] = ['member'], now = t1) => ({
  actor: { kind: 'user' as const, id },
  callerRoles,
  now,
});

/** A service's call: the same subject as a user is another principal, holding no role. */
export const asService = (id: string, now = t1) => ({
  actor: { kind: 'service' as const, id },
  callerRoles: [],
  now,
});

export const policy = (
  rule: Partial<ApprovalPolicy['default']> = {},
  overrides: ApprovalPolicy['overrides'] = [],
): ApprovalPolicy => ({
  default: { ...defaultApprovalPolicy.default, ...rule },
  overrides,
});

export const request = (
  overrides: Partial<Extract<AccessRequestCommand, { type: 'RequestAccess' }>> = {},
): AccessRequestCommand => ({
  type: 'RequestAccess',
  requestId: 'req-1',
  workspaceId: 'acme',
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  durationSeconds: 3600,
  reason: 'hotfix',
  ticket: null,
  invokedBy: 'ivan',
  breakGlass: false,
  policy: defaultApprovalPolicy,
  ...as('rita', ['member'], t0),
  ...overrides,
});

export const basePolicy: ResolvedApprovalPolicy = {
  approvers: [{ roles: ['approver'], principals: [] }],
  quorum: 1,
  maxDurationSeconds: 8 * 3600,
  approvalTimeoutSeconds: 24 * 3600,
  autoApproveUpToSeconds: null,
};

export const requested = (overrides: Partial<Data<'AccessRequested'>> = {}): AccessRequestEvent => ({
  type: 'AccessRequested',
  data: {
    requestId: 'req-1',
    workspaceId: 'acme',
    channelId: 'eng',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/api'],
    durationSeconds: 3600,
    reason: 'hotfix',
    ticket: null,
    requestedBy: 'rita',
    requestedByKind: 'user',
    invokedBy: 'ivan',
    mode: 'approval',
    policy: {
      approvers: [{ roles: ['approver'], principals: [] }],
      quorum: 1,
      maxDurationSeconds: 8 * 3600,
      approvalTimeoutSeconds: 24 * 3600,
      autoApproveUpToSeconds: null,
    },
    approvalDeadline: at(t0, 24 * 3600),
    ...overrides,
  },
});

export const granted = (
  grantedAt: string,
  approvers: string[],
  mode: 'approval' | 'auto-approve' | 'break-glass' = 'approval',
): AccessRequestEvent => ({
  type: 'AccessGranted',
  data: {
    grantId: 'req-1',
    requestId: 'req-1',
    workspaceId: 'acme',
    channelId: 'eng',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/api'],
    grantedAt,
    expiresAt: at(grantedAt, 3600),
    approvers,
    mode,
  },
});

export const vote = (approver: string, approvals: number, round = 0): AccessRequestEvent => ({
  type: 'AccessApprovalRecorded',
  data: { requestId: 'req-1', round, approver, comment: null, approvals },
});

export const approved = (approvers: string[], round = 0): AccessRequestEvent => ({
  type: 'AccessApproved',
  data: { requestId: 'req-1', round, approvers },
});

export const approve = (
  id: string,
  roles: WorkspaceRole[] = ['approver'],
  now = t1,
): AccessRequestCommand => ({
  type: 'ApproveAccess',
  comment: null,
  ...as(id, roles, now),
});

export const deny = (
  id: string,
  roles: WorkspaceRole[] = ['approver'],
  now = t1,
  comment: string | null = null,
): AccessRequestCommand => ({ type: 'DenyAccess', comment, ...as(id, roles, now) });

/** Extension round `round` of the grant, asked at `askedAt` (deadline 24 h later). */
export const extensionRequested = (
  overrides: Partial<Data<'AccessExtensionRequested'>> & { askedAt?: string } = {},
): AccessRequestEvent => {
  const { askedAt = t1, ...data } = overrides;
  return {
    type: 'AccessExtensionRequested',
    data: {
      grantId: 'req-1',
      requestId: 'req-1',
      round: 1,
      requestedBy: 'rita',
      requestedByKind: 'user',
      durationSeconds: 1800,
      reason: 'more',
      approvalDeadline: at(askedAt, 24 * 3600),
      autoApproved: false,
      ...data,
    },
  };
};

export const extended = (newExpiresAt: string, approvers: string[], round = 1): AccessRequestEvent => ({
  type: 'AccessExtended',
  data: { grantId: 'req-1', requestId: 'req-1', round, newExpiresAt, approvers },
});

/** A request approved by alice at t1: active until t1 + 1 h. */
export const activeGrant = (): AccessRequestEvent[] => [
  requested(),
  vote('alice', 1),
  approved(['alice']),
  granted(t1, ['alice']),
];

export const cancel = (id: string, roles: WorkspaceRole[] = ['member']): AccessRequestCommand => ({
  type: 'CancelAccessRequest',
  comment: null,
  ...as(id, roles),
});

export const timeOut = (round: number, now: string): AccessRequestCommand => ({
  type: 'TimeOutApproval',
  round,
  ...as('system', [], now),
});

export const revoke = (
  id: string,
  roles: WorkspaceRole[] = ['admin'],
  reason = 'done early',
  now = t1,
): AccessRequestCommand => ({ type: 'RevokeAccess', reason, ...as(id, roles, now) });

export const extend = (
  durationSeconds: number,
  overrides: { by?: string; roles?: WorkspaceRole[]; reason?: string; now?: string } = {},
): AccessRequestCommand => ({
  type: 'ExtendAccess',
  durationSeconds,
  reason: overrides.reason ?? 'more',
  ...as(overrides.by ?? 'rita', overrides.roles ?? ['member'], overrides.now ?? t1),
});

export const expire = (now: string): AccessRequestCommand => ({
  type: 'ExpireAccess',
  ...as('system', [], now),
});

export const review = (
  id: string,
  roles: WorkspaceRole[] = ['approver'],
  verdict: 'justified' | 'unjustified' = 'justified',
): AccessRequestCommand => ({ type: 'ReviewBreakGlass', verdict, comment: null, ...as(id, roles) });

/** A break-glass grant rita activated herself at t0, not yet reviewed. */
export const breakGlassGrant = (): AccessRequestEvent[] => [
  requested({ mode: 'break-glass' }),
  granted(t0, [], 'break-glass'),
];
