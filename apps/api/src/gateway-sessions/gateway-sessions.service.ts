import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { checkInvoke, DomainError, gatewaySessionDecider, gatewaySessionStreamId } from '@mandate/domain';
import { sessionFingerprint, signGatewaySession } from '@mandate/gateway';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { CallerRateLimiter } from '../core/caller-rate.limiter';
import { RATE_COUNTERS, type RateCounters } from '../core/rate-counters';
import { CommandRunner } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import type { OpenGatewaySessionBody } from './gateway-sessions.schemas';

export const GATEWAY_SESSION_KEY = Symbol('GatewaySessionKey');

/** Sessions one service may open per workspace and minute: one per run, not one per request. */
export const GATEWAY_SESSIONS_PER_MINUTE = 600;

export interface GatewaySessionAnswer {
  sessionId: string;
  /** For `Proxy-Authorization: Bearer …` or as the password of the proxy URL. Shown once. */
  token: string;
  fingerprint: string;
  expiresAt: string;
  position: number;
}

/**
 * Opens gateway sessions: the invoker must be admitted by the channel's invoke policy as of the
 * log's head, and the session is recorded (`GatewaySessionOpened`, with the token's fingerprint,
 * never the token) before the token is handed out.
 */
@Injectable()
export class GatewaySessionsService {
  private readonly rate: CallerRateLimiter;

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_SESSION_KEY) private readonly key: Buffer,
    @Inject(RATE_COUNTERS) counters: RateCounters,
  ) {
    this.rate = new CallerRateLimiter(GATEWAY_SESSIONS_PER_MINUTE, 60, 'gateway sessions', counters);
  }

  async open(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    { invokedBy, runId, ttlSeconds }: OpenGatewaySessionBody,
  ): Promise<GatewaySessionAnswer> {
    await this.rate.admit(principal, workspaceId);
    await this.projections.requireHead();
    const workspace = this.projections.projection.workspace(workspaceId);
    if (workspace === undefined)
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    const invoke = checkInvoke(workspace.compiled, { channelId, principalId: invokedBy });
    const now = this.clock.now();
    // JWT times are whole seconds: the recorded expiry is exactly the token's.
    const expiresAtMs = Math.floor(now.getTime() / 1000) * 1000 + ttlSeconds * 1000;
    const sessionId = uuidv7();
    const session = {
      sessionId,
      workspaceId,
      channelId,
      invokedBy,
      runId,
      openedBy: principal.id,
      expiresAtMs,
    };
    const token = await signGatewaySession(this.key, session, now.getTime());
    const fingerprint = sessionFingerprint(token);
    const expiresAt = new Date(expiresAtMs).toISOString();
    const outcome = await this.commands.run(
      gatewaySessionDecider,
      gatewaySessionStreamId(workspaceId, sessionId),
      (context) => ({
        type: 'OpenGatewaySession',
        session: { sessionId, channelId, invokedBy, runId, expiresAt, fingerprint },
        invoke,
        maxTtlSeconds: this.config.GATEWAY_SESSION_MAX_TTL_SECONDS,
        ...context,
      }),
      { workspaceId, principal, at: now },
    );
    return { sessionId, token, fingerprint, expiresAt, position: outcome.position };
  }
}
