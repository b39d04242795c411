import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import {
  type BoundaryDecision,
  type CanonicalHost,
  checkEgress,
  checkInvoke,
  checkMemoryAccess,
  type Decision,
  type MemoryMode,
  DomainError,
  evaluate,
  normalizeHost,
  type PermissionQuery,
} from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { type Audience, authorizeCheck, notFound, visibleWorkspaces } from './check-audience.policy';
import { type ChannelIdentity, channelIdentity } from './channel-identity';
import type { CheckRequest } from './permissions.schemas';
import { type AsOf, instantKey, PermissionsAsOfReader } from './permissions-as-of.reader';
import { EgressCheckLimiter } from './egress-check.limiter';
import { EgressDenialRecorder } from './egress-denial.recorder';
import { ProjectionService } from '../core/projection.service';
import { InvokerRightsResolver } from '../overlays/invoker-rights.resolver';

export { CHECK_SCOPE } from './check-audience.policy';

export type CheckAnswer = Decision & { position: number };
export type BoundaryAnswer = BoundaryDecision & { position: number };

/** Parsed after authorisation, so an outsider learns nothing from the refusal. */
function canonicalHostOf(text: string): CanonicalHost {
  const parsed = normalizeHost(text);
  if (parsed.ok) return parsed.host;
  throw new DomainError('validation', 'malformed-host', parsed.message, [
    { path: 'body.host', message: parsed.message },
  ]);
}

/** A batch that names no past instant replays nothing. */
const noInstants: ReadonlyMap<string, Promise<AsOf>> = new Map();

const unknownWorkspace: Decision = Object.freeze({
  allowed: false,
  reason: 'The workspace is unknown',
  provenance: Object.freeze({ layer: 'default' as const, rule: 'unknown-workspace' }),
});

/**
 * The read side's answers. Access is decided here rather than by route decorators because the
 * workspace may come in the body, and because a caller outside a workspace must get the same 404
 * whether or not it exists.
 */
@Injectable()
export class PermissionChecksService {
  private readonly states: PermissionsAsOfReader;

  constructor(
    private readonly projections: ProjectionService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly denials: EgressDenialRecorder,
    private readonly egressLimiter: EgressCheckLimiter,
    private readonly invokerRights: InvokerRightsResolver,
  ) {
    this.states = new PermissionsAsOfReader(projections, config, clock);
  }

  /** Synchronous unless it must wait for `minPosition` or replay history for `at`: no promise per check. */
  check(principal: Principal, request: CheckRequest): CheckAnswer | Promise<CheckAnswer> {
    const admitted = this.states.admit(
      () => this.authorize(principal, request.workspaceId, 'checks'),
      undefined,
      request.minPosition,
    );
    const decide = () => {
      const waiting = this.states.reach(request.minPosition);
      if (waiting !== undefined) return waiting.then(() => this.decide(principal, request));
      return this.decide(principal, request);
    };
    return admitted instanceof Promise ? admitted.then(decide) : decide();
  }

  /** Answers in order. Unknown workspaces and channels are denials here, not a failed batch. */
  batch(principal: Principal, checks: CheckRequest[]): CheckAnswer[] | Promise<CheckAnswer[]> {
    let minPosition = 0;
    for (const check of checks) minPosition = Math.max(minPosition, check.minPosition ?? 0);
    const named = new Set(checks.map((check) => check.workspaceId)).size;
    const admitted = this.states.admit(
      () => this.visibleIn(principal, checks),
      (visible) => visible.size === named,
      minPosition,
    );
    const decide = (visible: ReadonlySet<string>, current: boolean) => {
      // A service bound to none of them waits for nothing: the position is not its to learn.
      const waiting = visible.size === 0 ? undefined : this.states.reach(minPosition);
      if (waiting !== undefined) return waiting.then(() => this.decideAll(principal, checks));
      // Admitted in this same turn, with no wait: the visibility just decided is still the current one.
      return this.decideAll(principal, checks, current ? visible : undefined);
    };
    return admitted instanceof Promise
      ? admitted.then((visible) => decide(visible, false))
      : decide(admitted, true);
  }

  private decide(principal: Principal, request: CheckRequest): CheckAnswer | Promise<CheckAnswer> {
    const current = this.authorize(principal, request.workspaceId, 'checks');
    if (!current.compiled.channels.has(request.channelId)) throw notFound('channel');
    return request.at === undefined ? this.answerNow(request) : this.answerAt(request, request.at);
  }

  /** `visible` is decided again here unless the caller decided it in this same turn. */
  private decideAll(
    principal: Principal,
    checks: CheckRequest[],
    visible = this.visibleIn(principal, checks),
  ): CheckAnswer[] | Promise<CheckAnswer[]> {
    const answers: CheckAnswer[] = new Array(checks.length);
    const pending: Promise<void>[] = [];
    const states = checks.some((check) => check.at !== undefined)
      ? this.states.atInstants(checks.filter((check) => visible.has(check.workspaceId)))
      : noInstants;
    for (let index = 0; index < checks.length; index++) {
      const check = checks[index];
      if (!visible.has(check.workspaceId)) {
        answers[index] = { ...unknownWorkspace, position: this.projections.projection.position };
        continue;
      }
      const state = check.at === undefined ? undefined : states.get(instantKey(check.workspaceId, check.at));
      if (state === undefined) {
        const answer = this.answerNow(check);
        if (answer instanceof Promise)
          pending.push(answer.then((resolved) => void (answers[index] = resolved)));
        else answers[index] = answer;
      } else {
        const answer = async ({ permissions, position, nowMs }: AsOf) => {
          const query = await this.invokerRights.withRightAt(
            check.workspaceId,
            permissions.compiled,
            check,
            nowMs,
          );
          answers[index] = { ...evaluate(permissions.compiled, query, nowMs), position };
        };
        pending.push(state.then(answer));
      }
    }
    return pending.length === 0 ? answers : Promise.all(pending).then(() => answers);
  }

  private visibleIn(principal: Principal, checks: readonly CheckRequest[]): ReadonlySet<string> {
    return visibleWorkspaces(this.projections.projection, principal, checks);
  }

  async effectiveIdentity(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    options: { at?: string; minPosition?: number },
  ): Promise<ChannelIdentity & { position: number }> {
    await this.states.admit(
      () => this.authorize(principal, workspaceId, 'channel-readers', channelId),
      undefined,
      options.minPosition,
    );
    await this.states.reach(options.minPosition);
    const current = this.authorize(principal, workspaceId, 'channel-readers', channelId);
    if (!current.compiled.channels.has(channelId)) throw notFound('channel');
    const { permissions, position, nowMs } = await this.states.asOf(workspaceId, options.at);
    const identity = channelIdentity(permissions, channelId, nowMs);
    if (identity === undefined) {
      throw new DomainError('not_found', 'channel-not-found', 'The channel did not exist at that instant');
    }
    return { ...identity, position };
  }

  invoke(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    request: { principal: string; at?: string; minPosition?: number },
  ) {
    return this.boundary(principal, workspaceId, channelId, request, (permissions) =>
      checkInvoke(permissions.compiled, { channelId, principalId: request.principal }),
    );
  }

  memory(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    request: { namespace: string; mode: MemoryMode; at?: string; minPosition?: number },
  ) {
    const { namespace, mode } = request;
    return this.boundary(principal, workspaceId, channelId, request, (permissions) =>
      checkMemoryAccess(permissions.compiled, { channelId, namespace, mode }),
    );
  }

  /**
   * The host is normalised first (the same normaliser the gateway dials with): one outside the
   * host grammar is refused as `malformed-host`, never compared to the allowlist. A refused host
   * is recorded as `EgressDenied` in its canonical form, aggregated per channel, host, port and
   * minute (`EgressDenialRecorder`); each caller is rate limited (`EgressCheckLimiter`).
   */
  async egress(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    request: { host: string; port: number; minPosition?: number },
  ): Promise<BoundaryAnswer> {
    await this.egressLimiter.admit(principal);
    let host: CanonicalHost | undefined;
    const answer = await this.boundary(principal, workspaceId, channelId, request, (permissions, nowMs) => {
      host = canonicalHostOf(request.host);
      return checkEgress(permissions.compiled, { host, port: request.port, channelId, nowMs });
    });
    if (!answer.allowed && host !== undefined) {
      const { reason, rule } = answer;
      await this.denials.record(principal, {
        workspaceId,
        channelId,
        host: host.text,
        port: request.port,
        reason,
        rule,
      });
    }
    return answer;
  }

  private async boundary(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    options: { at?: string; minPosition?: number },
    decide: (permissions: WorkspacePermissions, nowMs: number) => BoundaryDecision,
  ): Promise<BoundaryAnswer> {
    await this.states.admit(
      () => this.authorize(principal, workspaceId, 'checks'),
      undefined,
      options.minPosition,
    );
    await this.states.reach(options.minPosition);
    const current = this.authorize(principal, workspaceId, 'checks');
    if (!current.compiled.channels.has(channelId)) throw notFound('channel');
    const { permissions, position, nowMs } = await this.states.asOf(workspaceId, options.at);
    return { ...decide(permissions, nowMs), position };
  }

  /**
   * Only a check naming its invoker can meet an `invokerCan` overlay: the invoker's right is then
   * resolved first (`InvokerRightsResolver`); every other check stays synchronous.
   */
  private answerNow(request: CheckRequest): CheckAnswer | Promise<CheckAnswer> {
    const workspace =
      request.invokedBy === undefined
        ? undefined
        : this.projections.projection.workspace(request.workspaceId);
    const query =
      workspace === undefined
        ? request
        : this.invokerRights.withRight(request.workspaceId, workspace.compiled, request);
    return query instanceof Promise
      ? query.then((resolved) => this.answerWith(resolved))
      : this.answerWith(query);
  }

  private answerWith(request: CheckRequest & PermissionQuery): CheckAnswer {
    const { projection } = this.projections;
    const decision = projection.check(request.workspaceId, request, this.clock.now().getTime());
    return { ...(decision ?? unknownWorkspace), position: projection.position };
  }

  private async answerAt(request: CheckRequest, at: string): Promise<CheckAnswer> {
    const { permissions, position, nowMs } = await this.states.asOf(request.workspaceId, at);
    // The invoker's right as recorded then: an answer about the past never asks the connector.
    const query = await this.invokerRights.withRightAt(
      request.workspaceId,
      permissions.compiled,
      request,
      nowMs,
    );
    return { ...evaluate(permissions.compiled, query, nowMs), position };
  }

  private authorize(
    principal: Principal,
    workspaceId: string,
    audience: Audience,
    channelId?: string,
  ): WorkspacePermissions {
    return authorizeCheck(this.projections.projection, principal, workspaceId, audience, channelId);
  }
}
