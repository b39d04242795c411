import { type Actor, assertNever } from '../shared/decider';
import type { AccessRequestEvent } from './access-request.events';
import { type AccessRequestState, requesterOf, wasGranted } from './access-request.state';

export const initialState = (): AccessRequestState => ({ status: 'absent' });

/**
 * The kind of who asked: the event says it since principals are pairs; an older event does not,
 * and its envelope's actor is that same principal (the requester's command is what appended it),
 * so old logs keep meaning who actually asked. Folded without an envelope, an older event is a
 * user's, as every principal was then compared.
 */
const askerKind = (event: AccessRequestEvent, written: Actor['kind'] | undefined): Actor['kind'] =>
  written ?? event.actor?.kind ?? 'user';

export function evolve(state: AccessRequestState, event: AccessRequestEvent): AccessRequestState {
  switch (event.type) {
    case 'AccessRequested': {
      const request = { ...event.data, requestedByKind: askerKind(event, event.data.requestedByKind) };
      return {
        status: 'pending',
        request,
        round: {
          round: 0,
          requestedBy: requesterOf(request),
          durationSeconds: event.data.durationSeconds,
          approvalDeadline: event.data.approvalDeadline,
          votes: [],
        },
      };
    }
    case 'AccessApprovalRecorded': {
      if (state.status === 'pending') {
        return { ...state, round: { ...state.round, votes: [...state.round.votes, event.data.approver] } };
      }
      if (state.status === 'active' && state.extension !== null) {
        return {
          ...state,
          extension: { ...state.extension, votes: [...state.extension.votes, event.data.approver] },
        };
      }
      return state;
    }
    case 'AccessApproved':
      return state;
    case 'AccessDenied':
    case 'AccessRequestTimedOut':
    case 'AccessRequestCancelled': {
      if (state.status !== 'pending') return state;
      const status = {
        AccessDenied: 'denied',
        AccessRequestTimedOut: 'timed-out',
        AccessRequestCancelled: 'cancelled',
      } as const;
      return { status: status[event.type], request: state.request };
    }
    case 'AccessGranted':
      if (state.status !== 'pending') return state;
      return {
        status: 'active',
        request: state.request,
        grant: {
          grantId: event.data.grantId,
          grantedAt: event.data.grantedAt,
          expiresAt: event.data.expiresAt,
          approvers: event.data.approvers,
        },
        extension: null,
        rounds: 0,
        reviewed: false,
      };
    case 'AccessExtensionRequested':
      if (state.status !== 'active') return state;
      return {
        ...state,
        rounds: event.data.round,
        extension: {
          round: event.data.round,
          requestedBy: {
            kind: askerKind(event, event.data.requestedByKind),
            id: event.data.requestedBy,
          },
          durationSeconds: event.data.durationSeconds,
          approvalDeadline: event.data.approvalDeadline,
          votes: [],
        },
      };
    case 'AccessExtended':
      if (state.status !== 'active') return state;
      return { ...state, extension: null, grant: { ...state.grant, expiresAt: event.data.newExpiresAt } };
    case 'AccessExtensionDenied':
    case 'AccessExtensionTimedOut':
      return state.status === 'active' ? { ...state, extension: null } : state;
    case 'AccessRevoked':
    case 'AccessExpired': {
      if (state.status !== 'active') return state;
      const { request, grant, rounds, reviewed } = state;
      return {
        status: event.type === 'AccessRevoked' ? 'revoked' : 'expired',
        request,
        grant,
        rounds,
        reviewed,
      };
    }
    case 'BreakGlassReviewed':
      return wasGranted(state) ? { ...state, reviewed: true } : state;
    default:
      return assertNever(event);
  }
}
