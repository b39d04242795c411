import type { CommandContext } from '../common/command';
import type { BoundaryDecision } from '../permissions/decision';
import { assertNever, type Decider, DomainError } from '../shared';
import type { GatewaySessionEvent } from './gateway-session.events';

type Opened = Extract<GatewaySessionEvent, { type: 'GatewaySessionOpened' }>['data'];

export type GatewaySessionState = { status: 'absent' } | ({ status: 'open' } & Opened);

export type GatewaySessionCommand = CommandContext & {
  type: 'OpenGatewaySession';
  session: Opened;
  /** The invoke policy's answer for (channel, invokedBy), computed by the edge at `now`. */
  invoke: BoundaryDecision;
  /** The longest session the deployment allows, in seconds. */
  maxTtlSeconds: number;
};

/** A session is for a run someone may start here: no invoker the channel refuses, no open-ended token. */
function decide(command: GatewaySessionCommand, state: GatewaySessionState): GatewaySessionEvent[] {
  switch (command.type) {
    case 'OpenGatewaySession': {
      const { session, invoke, now, maxTtlSeconds } = command;
      if (state.status !== 'absent') {
        throw new DomainError('conflict', 'gateway-session-exists', 'This gateway session is already open');
      }
      if (invoke.rule === 'unknown-channel') {
        throw new DomainError('not_found', 'channel-not-found', 'Channel not found');
      }
      if (invoke.layer === 'disabled') {
        throw new DomainError('conflict', 'identity-disabled', invoke.reason);
      }
      if (!invoke.allowed) {
        throw new DomainError('forbidden', 'invoker-refused', invoke.reason, [
          { path: 'invokedBy', message: invoke.reason },
        ]);
      }
      const ttlMs = Date.parse(session.expiresAt) - Date.parse(now);
      if (!(ttlMs > 0 && ttlMs <= maxTtlSeconds * 1000)) {
        // Well-formed, but beyond what this deployment allows (GATEWAY_SESSION_MAX_TTL_SECONDS).
        const message = `A session lasts more than 0 and at most ${maxTtlSeconds} seconds`;
        throw new DomainError('unprocessable', 'invalid-session-ttl', message, [
          { path: 'ttlSeconds', message },
        ]);
      }
      return [{ type: 'GatewaySessionOpened', data: session }];
    }
    default:
      return assertNever(command.type);
  }
}

function evolve(state: GatewaySessionState, event: GatewaySessionEvent): GatewaySessionState {
  switch (event.type) {
    case 'GatewaySessionOpened':
      return { status: 'open', ...event.data };
    default:
      return assertNever(event.type);
  }
}

export const gatewaySessionDecider: Decider<GatewaySessionCommand, GatewaySessionEvent, GatewaySessionState> =
  {
    decide,
    evolve,
    initialState: () => ({ status: 'absent' }),
  };
