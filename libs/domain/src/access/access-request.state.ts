import type { Actor } from '../shared';
import type { AccessRequestEvent } from './access-request.events';

export type AccessRequested = Extract<AccessRequestEvent, { type: 'AccessRequested' }>['data'];

/** Who asked, as the pair; evolve fills the kind in from the envelope for older events. */
export const requesterOf = (request: AccessRequested): Actor => ({
  kind: request.requestedByKind ?? 'user',
  id: request.requestedBy,
});

/** The agent is invoked by users only (the invoke policy admits members), so the invoker is one. */
export const invokerOf = (request: AccessRequested): Actor | null =>
  request.invokedBy === null ? null : { kind: 'user', id: request.invokedBy };

/** An approval round: the request itself (round 0) or an extension. */
export interface ApprovalRound {
  round: number;
  /** Who asked for this round; with the request's requester and invoker, never a voter. */
  requestedBy: Actor;
  durationSeconds: number;
  approvalDeadline: string;
  /** Voters' subjects: only users vote (approver sets name users, roles are users'). */
  votes: string[];
}

export interface GrantState {
  grantId: string;
  grantedAt: string;
  expiresAt: string;
  approvers: string[];
}

export type AccessRequestState =
  | { status: 'absent' }
  | { status: 'pending'; request: AccessRequested; round: ApprovalRound }
  | { status: 'denied' | 'timed-out' | 'cancelled'; request: AccessRequested }
  | {
      status: 'active';
      request: AccessRequested;
      grant: GrantState;
      /** A pending extension round, if any. */
      extension: ApprovalRound | null;
      rounds: number;
      reviewed: boolean;
    }
  | {
      status: 'revoked' | 'expired';
      request: AccessRequested;
      grant: GrantState;
      rounds: number;
      reviewed: boolean;
    };

export type AccessRequestStatus = AccessRequestState['status'];

/** A request whose access was granted: active now, or ended by revocation or expiry. */
export type GrantedRequest = Extract<AccessRequestState, { status: 'active' | 'revoked' | 'expired' }>;

export const wasGranted = (state: AccessRequestState): state is GrantedRequest =>
  state.status === 'active' || state.status === 'revoked' || state.status === 'expired';

/** Terminal for the workflow's waits; a break-glass grant may still await its review. */
export const isClosed = (state: AccessRequestState): boolean =>
  state.status !== 'pending' && state.status !== 'active' && state.status !== 'absent';

export const openRound = (state: AccessRequestState): ApprovalRound | null =>
  state.status === 'pending' ? state.round : state.status === 'active' ? state.extension : null;

export const needsBreakGlassReview = (state: AccessRequestState): boolean =>
  wasGranted(state) && state.request.mode === 'break-glass' && !state.reviewed;

/**
 * The request's latest approval round: 0 for the request itself, n once its n-th extension was
 * asked for. A caller's decision is bound to the round it saw, so it cannot be replayed into a
 * later one.
 */
export const latestRound = (state: AccessRequestState): number => (wasGranted(state) ? state.rounds : 0);
