import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import {
  type BoundaryDecision,
  type CanonicalHost,
  checkEgress,
  checkInvoke,
  checkMemory,
  type Decision,
  DomainError,
  evaluate,
  holdsRole,
  normalizeHost,
  type PermissionQuery,
  rolesHeldBy,
  servesWorkspace,
} from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { type ChannelIdentity, channelIdentity } from './channel-identity';
import { type CheckRequest, MAX_BATCH_INSTANTS } from './permissions.schemas';
import { EgressCheckLimiter } from './egress-check.limiter';
import { EgressDenialRecorder } from './egress-denial.recorder';
import { ProjectionService } from '../core/projection.service';

export const CHECK_SCOPE = 'permissions:check';

export type CheckAnswer = Decision & { position: number };
export type BoundaryAnswer = BoundaryDecision & { position: number };

/** Who may ask: services holding the check scope, and the workspace's admins and owners. */
type Audience = 'checks' | 'channel-readers';

const notFound = (what: 'workspace' | 'channel') =>
  new DomainError(
    'not_found',
    `${what}-not-found`,
    `${what === 'workspace' ? 'Workspace' : 'Channel'} not found`,
  );

/** Parsed after authorisation, so an outsider learns nothing from the refusal. */
function canonicalHostOf(text: string): CanonicalHost {
  const parsed = normalizeHost(text);
  if (parsed.ok) return parsed.host;
  throw new DomainError('validation', 'malformed-host', parsed.message, [
    { path: 'body.host', message: parsed.message },
  ]);
}

/** A workspace at an instant: the same key for every spelling of the instant. */
const instantKey = (workspaceId: string, at: string) => `${workspaceId}@${Date.parse(at)}`;

type AsOf = { permissions: WorkspacePermissions; position: number; nowMs: number };

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
  constructor(
    private readonly projections: ProjectionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly denials: EgressDenialRecorder,
    private readonly egressLimiter: EgressCheckLimiter,
  ) {}

  /** Synchronous unless it must wait for `minPosition` or replay history for `at`: no promise per check. */
  check(principal: Principal, request: CheckRequest): CheckAnswer | Promise<CheckAnswer> {
    const admitted = this.admit(() => this.authorize(principal, request.workspaceId, 'checks'));
    const decide = () => {
      const waiting = this.reach(request.minPosition);
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
    const admitted = this.admit(
      () => this.visibleIn(principal, checks),
      (visible) => visible.size === named,
    );
    const decide = (visible: ReadonlySet<string>) => {
      // A service bound to none of them waits for nothing: the position is not its to learn.
      const waiting = visible.size === 0 ? undefined : this.reach(minPosition);
      if (waiting !== undefined) return waiting.then(() => this.decideAll(principal, checks));
      return this.decideAll(principal, checks);
    };
    return admitted instanceof Promise ? admitted.then(decide) : decide(admitted);
  }

  /**
   * Authorization comes before any wait for `minPosition`: an outsider is refused at once, so the
   * position it names tells it nothing (neither the 409 naming the head nor how long a wait takes).
   * A refusal is only final once the projection holds the log's head, so a role or a binding
   * written just before still holds (as for the routes' role resolver). Callers authorize again
   * after waiting.
   */
  private admit<T>(decide: () => T, admitted: (value: T) => boolean = () => true): T | Promise<T> {
    try {
      const value = decide();
      if (admitted(value)) return value;
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'not_found' && error.kind !== 'forbidden')) {
        throw error;
      }
    }
    return this.projections.reachHead().then(decide);
  }

  private decide(principal: Principal, request: CheckRequest): CheckAnswer | Promise<CheckAnswer> {
    const current = this.authorize(principal, request.workspaceId, 'checks');
    if (!current.compiled.channels.has(request.channelId)) throw notFound('channel');
    return request.at === undefined ? this.answerNow(request) : this.answerAt(request, request.at);
  }

  private decideAll(principal: Principal, checks: CheckRequest[]): CheckAnswer[] | Promise<CheckAnswer[]> {
    const visible = this.visibleIn(principal, checks);
    const answers: CheckAnswer[] = new Array(checks.length);
    const pending: Promise<void>[] = [];
    const states = this.statesAt(checks.filter((check) => visible.has(check.workspaceId)));
    for (let index = 0; index < checks.length; index++) {
      const check = checks[index];
      if (!visible.has(check.workspaceId)) {
        answers[index] = { ...unknownWorkspace, position: this.projections.projection.position };
        continue;
      }
      const state = check.at === undefined ? undefined : states.get(instantKey(check.workspaceId, check.at));
      if (state === undefined) answers[index] = this.answerNow(check);
      else {
        const answer = ({ permissions, position, nowMs }: AsOf) =>
          void (answers[index] = { ...evaluate(permissions.compiled, check, nowMs), position });
        pending.push(state.then(answer));
      }
    }
    return pending.length === 0 ? answers : Promise.all(pending).then(() => answers);
  }

  /**
   * The workspaces of a batch the caller may be answered about. A check service is answered about
   * the workspaces it is bound to; any other is an unknown workspace to it, exactly as one that
   * does not exist (a denial, not a failed batch). Other callers must be allowed every workspace.
   */
  private visibleIn(principal: Principal, checks: readonly CheckRequest[]): ReadonlySet<string> {
    const named = new Set(checks.map((check) => check.workspaceId));
    if (!this.isCheckService(principal)) {
      for (const workspaceId of named) this.authorize(principal, workspaceId, 'checks');
      return named;
    }
    const { projection } = this.projections;
    return new Set(
      [...named].filter((id) => {
        const workspace = projection.workspace(id);
        return workspace !== undefined && servesWorkspace(workspace.workspace, principal);
      }),
    );
  }

  /**
   * One state per distinct (workspace, instant) of a batch, however many checks name it, and no
   * more than MAX_BATCH_INSTANTS of them: each may cost a replay of the workspace's history.
   */
  private statesAt(checks: readonly CheckRequest[]): Map<string, Promise<AsOf>> {
    const keys = new Set<string>();
    for (const check of checks) if (check.at !== undefined) keys.add(instantKey(check.workspaceId, check.at));
    if (keys.size > MAX_BATCH_INSTANTS) {
      const message = `A batch may ask about at most ${MAX_BATCH_INSTANTS} distinct instants (at); this one names ${keys.size}`;
      throw new DomainError('validation', 'too-many-instants', message, [{ path: 'body.checks', message }], {
        maxInstants: MAX_BATCH_INSTANTS,
      });
    }
    const states = new Map<string, Promise<AsOf>>();
    for (const check of checks) {
      if (check.at === undefined) continue;
      const key = instantKey(check.workspaceId, check.at);
      if (!states.has(key)) states.set(key, this.asOf(check.workspaceId, check.at));
    }
    return states;
  }

  async effectiveIdentity(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    options: { at?: string; minPosition?: number },
  ): Promise<ChannelIdentity & { position: number }> {
    await this.admit(() => this.authorize(principal, workspaceId, 'channel-readers', channelId));
    await this.reach(options.minPosition);
    const current = this.authorize(principal, workspaceId, 'channel-readers', channelId);
    if (!current.compiled.channels.has(channelId)) throw notFound('channel');
    const { permissions, position, nowMs } = await this.asOf(workspaceId, options.at);
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
    request: { namespace: string; at?: string; minPosition?: number },
  ) {
    return this.boundary(principal, workspaceId, channelId, request, (permissions) =>
      checkMemory(permissions.compiled, { channelId, namespace: request.namespace }),
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
    const answer = await this.boundary(principal, workspaceId, channelId, request, (permissions) => {
      host = canonicalHostOf(request.host);
      return checkEgress(permissions.compiled, { host, port: request.port });
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
    decide: (permissions: WorkspacePermissions) => BoundaryDecision,
  ): Promise<BoundaryAnswer> {
    await this.admit(() => this.authorize(principal, workspaceId, 'checks'));
    await this.reach(options.minPosition);
    const current = this.authorize(principal, workspaceId, 'checks');
    if (!current.compiled.channels.has(channelId)) throw notFound('channel');
    const { permissions, position } = await this.asOf(workspaceId, options.at);
    return { ...decide(permissions), position };
  }

  private answerNow(request: CheckRequest): CheckAnswer {
    const { projection } = this.projections;
    const decision = projection.check(request.workspaceId, request, this.clock.now().getTime());
    return { ...(decision ?? unknownWorkspace), position: projection.position };
  }

  private async answerAt(request: CheckRequest, at: string): Promise<CheckAnswer> {
    const query: PermissionQuery = request;
    const { permissions, position, nowMs } = await this.asOf(request.workspaceId, at);
    return { ...evaluate(permissions.compiled, query, nowMs), position };
  }

  private async asOf(workspaceId: string, at: string | undefined): Promise<AsOf> {
    const { projection, history } = this.projections;
    if (at === undefined) {
      const permissions = projection.workspace(workspaceId);
      if (permissions === undefined) throw notFound('workspace');
      return { permissions, position: projection.position, nowMs: this.clock.now().getTime() };
    }
    const nowMs = Date.parse(at);
    return { ...(await history.asOf(workspaceId, nowMs)), nowMs };
  }

  /**
   * Undefined when the projection already holds `minPosition`; otherwise waits (bounded) for it
   * and refuses with 409 and the current position if it does not arrive in time.
   */
  private reach(minPosition: number | undefined): Promise<void> | undefined {
    const { projection, runner } = this.projections;
    if (minPosition === undefined || minPosition <= projection.position) return undefined;
    return runner.waitForPosition(minPosition, this.config.CHECK_MIN_POSITION_WAIT_MS).then((reached) => {
      if (reached) return;
      const position = projection.position;
      throw new DomainError(
        'conflict',
        'position-not-reached',
        `The projection is at position ${position}, not yet at ${minPosition}; retry shortly`,
        [{ path: 'minPosition', message: `current position is ${position}` }],
        { position, minPosition },
      );
    });
  }

  private isCheckService(principal: Principal): boolean {
    return principal.kind === 'service' && principal.scopes.includes(CHECK_SCOPE);
  }

  /**
   * The workspace as of now if the caller may ask about it. Outsiders (a check service not bound
   * to it included) get the 404 an unknown workspace gets; members without the needed role a 403.
   */
  private authorize(
    principal: Principal,
    workspaceId: string,
    audience: Audience,
    channelId?: string,
  ): WorkspacePermissions {
    const workspace = this.projections.projection.workspace(workspaceId);
    if (this.isCheckService(principal)) {
      if (workspace === undefined || !servesWorkspace(workspace.workspace, principal)) {
        throw notFound('workspace');
      }
      return workspace;
    }
    if (principal.kind === 'service') throw this.forbidden(audience);
    const roles = workspace === undefined ? [] : rolesHeldBy(workspace.workspace, principal);
    if (workspace === undefined || roles.length === 0) throw notFound('workspace');
    if (holdsRole(roles, 'admin')) return workspace;
    if (audience === 'channel-readers' && channelId !== undefined) {
      const channel = workspace.compiled.channels.get(channelId);
      if (channel?.members.has(principal.id)) return workspace;
      if (channel === undefined || channel.visibility === 'private') throw notFound('channel');
    }
    throw this.forbidden(audience);
  }

  private forbidden(audience: Audience): DomainError {
    return new DomainError('forbidden', 'forbidden', 'You are not allowed to do this.', [], {
      required: [
        `service scope "${CHECK_SCOPE}"`,
        'workspace role "admin"',
        ...(audience === 'channel-readers' ? ['channel membership'] : []),
      ],
    });
  }
}
