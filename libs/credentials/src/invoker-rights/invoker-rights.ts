import {
  type Actor,
  type CompiledWorkspace,
  DomainError,
  externalAccountDecider,
  externalAccountsStreamId,
  type InvokerPermission,
  invokerRightAsked,
  type LeaseRequest,
  linkedLogin,
  type ObservedInvokerRight,
  type PermissionQuery,
} from '@mandate/domain';
import { type EventStore, foldStream } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import type { InvokerRightSource } from './github-invoker-right.source';
import { INVOKER_RIGHT_TTL_MS, InvokerRightLog, type InvokerRightKey } from './invoker-right.log';

/** Observations kept per process; the oldest go first. */
const MAX_KEPT = 10_000;

type Kept = ObservedInvokerRight & { observedAtMs: number };

/**
 * The invoker's own right, resolved before the (pure, synchronous) evaluator runs and handed to it
 * as a fact on the query. Asked only when an `invokerCan` overlay covers the query and someone
 * invoked it; otherwise the query passes through untouched, synchronously. An observation is the
 * linked login's permission as the connector answered (`none` without a linked login), recorded
 * as `InvokerRightObserved` and kept for `INVOKER_RIGHT_TTL_MS` (at most `MAX_KEPT`, one upstream
 * question per key at a time). When the connector cannot answer, nothing is observed and the
 * overlay denies: a failure never allows.
 *
 * The API (checks, agent actions, leases) and the gateway (connector calls) each hold one; both
 * record to the same streams, under their own actor, so an answer as of a past instant replays
 * whichever observation stood then.
 */
export class InvokerRights {
  private readonly kept = new Map<string, Kept>();
  private readonly asking = new Map<string, Promise<Kept | undefined>>();
  private readonly log: InvokerRightLog;
  /** Upstream questions asked (a metric, and what tests count). */
  questions = 0;

  constructor(
    private readonly store: EventStore,
    private readonly clock: { now(): Date },
    private readonly source: InvokerRightSource,
    private readonly logger: Pick<Logger, 'warn'>,
    /** Who records the observations: the process that asked (`system:mandate-api`, `system:mandate-gateway`). */
    private readonly recorder: Actor = { kind: 'system', id: 'mandate-api' },
  ) {
    this.log = new InvokerRightLog(store);
  }

  /** The query with the invoker's right where an overlay will read it; the same query otherwise. */
  withRight<Q extends PermissionQuery>(
    workspaceId: string,
    compiled: CompiledWorkspace,
    query: Q,
    actor: Actor = this.recorder,
  ): Q | Promise<Q> {
    const key = this.keyOf(workspaceId, compiled, query);
    if (key === undefined) return query;
    const id = keyId(key);
    const nowMs = this.clock.now().getTime();
    const kept = this.kept.get(id);
    if (kept !== undefined && nowMs - kept.observedAtMs < INVOKER_RIGHT_TTL_MS) {
      return { ...query, invokerRight: rightOf(kept) };
    }
    let asking = this.asking.get(id);
    if (asking === undefined) {
      asking = this.observe(key, query.channelId, actor).finally(() => this.asking.delete(id));
      this.asking.set(id, asking);
    }
    return asking.then((observed) =>
      observed === undefined ? query : { ...query, invokerRight: rightOf(observed) },
    );
  }

  /** A lease's request with the invoker's right on each resource an `invokerCan` overlay covers. */
  async forLease<L extends LeaseRequest>(
    workspaceId: string,
    compiled: CompiledWorkspace,
    request: L,
  ): Promise<L> {
    const rights = new Map<string, ObservedInvokerRight>();
    const { channelId, connector, invokedBy } = request;
    for (const action of request.actions) {
      for (const resource of request.resources) {
        const query: PermissionQuery = { channelId, connector, action, resource, invokedBy };
        const { invokerRight } = await this.withRight(workspaceId, compiled, query);
        if (invokerRight !== undefined) rights.set(resource, invokerRight);
      }
    }
    return rights.size === 0 ? request : { ...request, invokerRights: rights };
  }

  /**
   * A recorded lease with the rights it stands on, for re-evaluating it (introspection, the
   * lease-allowance sweeper), never a fresh question: for each resource an `invokerCan` overlay
   * covers, the last observation recorded from the one its issue was decided with (at most
   * `INVOKER_RIGHT_TTL_MS` before its issue) until `nowMs`. The lease stands on that observation
   * until a newer one says the invoker lost the right; with none (an overlay added since), the
   * overlay denies and the lease ends.
   */
  async forStanding<L extends LeaseRequest & { issuedAt: string }>(
    workspaceId: string,
    compiled: CompiledWorkspace,
    lease: L,
    nowMs: number,
  ): Promise<L> {
    const rights = new Map<string, ObservedInvokerRight>();
    const fromMs = Date.parse(lease.issuedAt) - INVOKER_RIGHT_TTL_MS + 1;
    const { channelId, connector, invokedBy } = lease;
    for (const action of lease.actions) {
      for (const resource of lease.resources) {
        const key = this.keyOf(workspaceId, compiled, { channelId, connector, action, resource, invokedBy });
        if (key === undefined || rights.has(resource)) continue;
        const observed = await this.log.latest(key, fromMs, nowMs);
        if (observed !== undefined) rights.set(resource, observed);
      }
    }
    return rights.size === 0 ? lease : { ...lease, invokerRights: rights };
  }

  /** As of `atMs`: the observation recorded then, never a fresh question to the connector. */
  async withRightAt<Q extends PermissionQuery>(
    workspaceId: string,
    compiled: CompiledWorkspace,
    query: Q,
    atMs: number,
  ): Promise<Q> {
    const key = this.keyOf(workspaceId, compiled, query);
    if (key === undefined) return query;
    const observed = await this.log.at(key, atMs);
    return observed === undefined ? query : { ...query, invokerRight: observed };
  }

  private keyOf(
    workspaceId: string,
    compiled: CompiledWorkspace,
    query: PermissionQuery,
  ): InvokerRightKey | undefined {
    const resource = invokerRightAsked(compiled, query);
    if (resource === undefined || query.invokedBy === undefined) return undefined;
    return { workspaceId, principalId: query.invokedBy, connector: query.connector, resource };
  }

  private async observe(key: InvokerRightKey, channelId: string, actor: Actor): Promise<Kept | undefined> {
    const accounts = await foldStream(
      this.store,
      externalAccountDecider,
      externalAccountsStreamId(key.workspaceId),
    );
    const login = linkedLogin(accounts, key.principalId, key.connector) ?? null;
    let permission: InvokerPermission = 'none';
    if (login !== null) {
      try {
        this.questions++;
        permission = await this.source.permission(key.workspaceId, key.connector, key.resource, login);
      } catch (error) {
        // Unobserved, not "none": nothing is recorded, the overlay denies, the next check asks again.
        const reason = error instanceof DomainError ? error.message : String(error);
        this.logger.warn({ ...key, reason }, 'invoker right not observed');
        return undefined;
      }
    }
    const nowMs = this.clock.now().getTime();
    const observed = await this.log.record(key, { login, permission, channelId }, nowMs, actor);
    const kept = { ...observed, observedAtMs: nowMs };
    const id = keyId(key);
    this.kept.delete(id);
    this.kept.set(id, kept);
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    return kept;
  }
}

const keyId = (key: InvokerRightKey): string =>
  JSON.stringify([key.workspaceId, key.principalId, key.connector, key.resource]);

const rightOf = ({ permission, observedAt }: Kept): ObservedInvokerRight => ({ permission, observedAt });
