import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { v7 as uuidv7 } from 'uuid';
import type { LookupAddress } from 'node:dns';
import type { BoundaryDecision } from '@mandate/domain';
import {
  decideEgress,
  type EgressDenialLog,
  type GatewaySession,
  type Parsed,
  type ProxyTarget,
  sessionTokenOf,
} from '@mandate/gateway';
import { problemType } from '@mandate/http';
import type { Logger } from '@mandate/observability';
import type { EffectivePermissionsProjection } from '@mandate/projections';
import type { DestinationResolver } from './destination-resolver';
import type { ConnectionOutcome } from './gateway-metrics';
import { VerifiedSessions } from './verified-sessions';

/** A refusal as the client receives it: a status, RFC 7807 problem+json, and headers to send. */
export interface Refusal {
  status: number;
  outcome: ConnectionOutcome;
  headers: Record<string, string | string[]>;
  body: string;
}

/** What a parser makes of the request target: CONNECT's authority, or a plain-HTTP URL and its path. */
export type ParsedTarget = Parsed<{ target: ProxyTarget; path?: string }>;

export type Authentication =
  { ok: true; session: GatewaySession; requestId: string } | { ok: false; refusal: Refusal };

export type Admission =
  | {
      ok: true;
      session: GatewaySession;
      requestId: string;
      target: ProxyTarget;
      path?: string;
      /** The addresses checked for the target: the only ones its connection may dial. */
      addresses: LookupAddress[];
    }
  | { ok: false; refusal: Refusal };

/** Both schemes a client may answer with: Basic for curl, git, pip and requests; Bearer for the rest. */
const CHALLENGES = ['Basic realm="mandate-gateway", charset="UTF-8"', 'Bearer realm="mandate-gateway"'];

export interface RefusalSpec {
  status: number;
  outcome: ConnectionOutcome;
  code: string;
  title: string;
  detail: string;
  headers?: Record<string, string | string[]>;
  /** RFC 7807 extension members beside the standard ones (a denial's `provenance`). */
  extensions?: Record<string, unknown>;
}

/** The allowed host could not be reached (or resolved): 502, never a decision. */
export const upstreamUnreachable = (detail: string): RefusalSpec => ({
  status: 502,
  outcome: 'upstream-error',
  code: 'upstream-unreachable',
  title: 'Upstream unreachable',
  detail,
});

export function refusal(spec: RefusalSpec, requestId: string): { ok: false; refusal: Refusal } {
  const { status, outcome, code, title, detail, headers = {}, extensions = {} } = spec;
  const body = JSON.stringify({
    ...extensions,
    type: problemType(code),
    title,
    status,
    detail,
    code,
    requestId,
  });
  const all = { 'content-type': 'application/problem+json', ...headers };
  return { ok: false, refusal: { status, outcome, headers: all, body } };
}

export interface EgressGateOptions {
  projection: Pick<EffectivePermissionsProjection, 'workspace'>;
  /** False until the projection has applied the whole log: no answer from a stale view. */
  isLive: () => boolean;
  sessionKey: Uint8Array;
  denials: EgressDenialLog;
  nowMs: () => number;
  ratePerSecond: number;
  /** Resolves an allowed host once and refuses a name leading to a private address. */
  destinations: DestinationResolver;
  logger: Logger;
}

/**
 * Admission of one connection or request, in this order: the gateway is live; a session token
 * that verifies and has not expired (else 407 with both challenges); the session's rate
 * (else 429); a target inside the grammar (else 400); the egress decision (else 403, recorded as
 * `EgressDenied`); an allowed name resolving only to public addresses or ranges the operator
 * permits (else 403 `private-destination`, recorded likewise), the addresses kept for the dial.
 * Authentication comes before parsing, so a caller without a session learns
 * nothing about the grammar or the allowlist.
 */
export class EgressGate {
  private readonly limiter: RateLimiterMemory;
  private readonly sessions: VerifiedSessions;

  constructor(private readonly options: EgressGateOptions) {
    this.limiter = new RateLimiterMemory({ points: options.ratePerSecond, duration: 1 });
    this.sessions = new VerifiedSessions(options.sessionKey);
  }

  decide(session: GatewaySession, target: ProxyTarget): BoundaryDecision {
    return decideEgress(this.options.projection, session, target, this.options.nowMs());
  }

  /** The session of a request, under its rate; or the refusal (503, 407, 429) to send. */
  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const requestId = uuidv7();
    if (!this.options.isLive()) {
      const detail = 'Permissions are loading; retry shortly';
      const headers = { 'retry-after': '1' };
      const spec = {
        status: 503,
        outcome: 'not-ready',
        code: 'gateway-not-ready',
        title: 'Not ready',
      } as const;
      return refusal({ ...spec, detail, headers }, requestId);
    }
    const token = sessionTokenOf(authorization);
    const session = token === undefined ? undefined : await this.sessions.verify(token, this.options.nowMs());
    if (session === undefined) {
      const code = token === undefined ? 'session-required' : 'invalid-session';
      const detail =
        token === undefined
          ? 'Present a gateway session token in Proxy-Authorization (Bearer, or as the Basic password)'
          : 'The gateway session token is invalid or has expired';
      const headers = { 'proxy-authenticate': CHALLENGES };
      const title = 'Proxy authentication required';
      return refusal({ status: 407, outcome: 'unauthenticated', code, title, detail, headers }, requestId);
    }
    const retryAfter = await this.overRate(session.sessionId);
    if (retryAfter !== undefined) {
      const detail = `This session opens too many connections; retry in ${retryAfter} s`;
      const headers = { 'retry-after': String(retryAfter) };
      const spec = {
        status: 429,
        outcome: 'rate-limited',
        code: 'rate-limited',
        title: 'Too many connections',
      } as const;
      return refusal({ ...spec, detail, headers }, requestId);
    }
    return { ok: true, session, requestId };
  }

  async admit(authorization: string | undefined, parse: () => ParsedTarget): Promise<Admission> {
    const authenticated = await this.authenticate(authorization);
    if (!authenticated.ok) return authenticated;
    const { session, requestId } = authenticated;
    const parsed = parse();
    if (!parsed.ok) {
      const { code, message: detail } = parsed;
      return refusal(
        { status: 400, outcome: 'malformed', code, title: 'Bad proxy request', detail },
        requestId,
      );
    }
    const { target, path } = parsed;
    const decision = this.decide(session, target);
    if (!decision.allowed) {
      await this.recordDenial(session, target, decision, requestId);
      const detail = decision.reason;
      return refusal(
        { status: 403, outcome: 'denied', code: 'egress-denied', title: 'Egress denied', detail },
        requestId,
      );
    }
    const destination = await this.options.destinations.resolve(target.host);
    if (destination.ok)
      return { ok: true, session, requestId, target, path, addresses: destination.addresses };
    if (destination.kind === 'unresolvable') {
      this.options.logger.info(
        { err: destination.error, host: target.host.text, port: target.port },
        'upstream unreachable',
      );
      return refusal(upstreamUnreachable('The allowed host could not be resolved'), requestId);
    }
    const reason = `${target.host.text} resolves to ${destination.address} (${destination.range}), a private destination`;
    await this.recordDenial(
      session,
      target,
      { allowed: false, reason, rule: 'private-destination' },
      requestId,
    );
    const spec = {
      status: 403,
      outcome: 'denied',
      code: 'private-destination',
      title: 'Egress denied',
    } as const;
    return refusal({ ...spec, detail: reason }, requestId);
  }

  /** Seconds to wait when the session is over its rate; undefined when admitted. */
  private async overRate(sessionId: string): Promise<number | undefined> {
    try {
      await this.limiter.consume(sessionId);
      return undefined;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    }
  }

  /** The refusal stands even if it cannot be written: the gateway fails closed. */
  private async recordDenial(
    session: GatewaySession,
    target: ProxyTarget,
    decision: BoundaryDecision,
    requestId: string,
  ): Promise<void> {
    const denial = {
      workspaceId: session.workspaceId,
      channelId: session.channelId,
      host: target.host.text,
      port: target.port,
      reason: decision.reason,
      rule: decision.rule,
    };
    try {
      await this.options.denials.record({ kind: 'agent', id: session.runId }, denial, requestId);
    } catch (error) {
      this.options.logger.error({ err: error, ...denial }, 'egress denial not recorded');
    }
  }
}
