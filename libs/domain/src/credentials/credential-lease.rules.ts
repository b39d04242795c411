import type { CompiledWorkspace } from '../permissions/compiled-identity';
import type { Decision, ObservedInvokerRight } from '../permissions/decision';
import { decideAgentAction } from '../permissions/evaluator';
import { canonicalResource } from '../permissions/resource-normalizer';
import { DomainError } from '../shared';

/** What the agent runtime asks a lease for: every action on every resource, for one invoker. */
export interface LeaseRequest {
  channelId: string;
  connector: string;
  actions: readonly string[];
  resources: readonly string[];
  invokedBy: string;
  /** The invoker's own rights the edge observed, by resource as requested (for `invokerCan` overlays). */
  invokerRights?: ReadonlyMap<string, ObservedInvokerRight>;
}

export type LeaseEvaluation =
  | { allowed: false; action: string; resource: string; decision: Decision }
  | {
      allowed: true;
      /** Sorted, without repeats; resources in their canonical form. */
      actions: string[];
      resources: string[];
      decisions: Decision[];
    };

/**
 * A lease is the agent action it enables, once per (action, resource): each pair goes through the
 * one evaluator exactly as an agent action (invoke policy, then forbid → restrict → JIT → channel →
 * baseline → deny), and the first pair denied denies the lease. A resource outside the connector's
 * syntax, a pattern included, is denied as malformed there, so a lease only ever names concrete,
 * canonical resources.
 */
export function evaluateLease(
  compiled: CompiledWorkspace,
  request: LeaseRequest,
  nowMs: number,
): LeaseEvaluation {
  const actions = [...new Set(request.actions)].sort();
  const decisions: Decision[] = [];
  const { channelId, connector, invokedBy } = request;
  for (const action of actions) {
    for (const resource of request.resources) {
      const decision = decideAgentAction(
        compiled,
        {
          channelId,
          connector,
          action,
          resource,
          invokedBy,
          invokerRight: request.invokerRights?.get(resource),
        },
        nowMs,
      );
      if (!decision.allowed) return { allowed: false, action, resource, decision };
      decisions.push(decision);
    }
  }
  return { allowed: true, ...leaseTerms(compiled, request), decisions };
}

/**
 * The canonical actions and resources of a request (sorted, without repeats), as a lease records
 * them: two spellings of one request are one request. A name the connector's syntax refuses stays
 * as written (it is never allowed, so it never meets a recorded lease).
 */
export function leaseTerms(
  compiled: CompiledWorkspace,
  request: Pick<LeaseRequest, 'connector' | 'actions' | 'resources'>,
): { actions: string[]; resources: string[] } {
  const syntax = compiled.catalog.get(request.connector)?.syntax;
  const resources = request.resources.map((resource) =>
    syntax === undefined ? resource : (canonicalResource(resource, syntax) ?? resource),
  );
  return { actions: [...new Set(request.actions)].sort(), resources: [...new Set(resources)].sort() };
}

/**
 * A connection that holds credentials (the baseline's or an access bundle's) and whether it holds
 * one a lease can hand out; `rank` orders scopes, narrowest first (absent: all alike).
 */
export interface LeaseConnectionCandidate {
  connectionId: string;
  connector: string;
  leasable: boolean;
  rank?: number;
}

/**
 * The connection a baseline or bundle allow names: `workspace/connections/<id>`,
 * `bundles/<b>/connections/<id>` or an organization's `organization/bundles/<b>/connections/<id>`.
 */
const CONNECTION_RULE = /^(?:workspace|(?:organization\/)?bundles\/[^/]+)\/connections\/([^/]+)$/;

/**
 * The connection whose credential backs the lease. When every pair was allowed by a baseline or
 * bundle connection, the lease uses one of those (all the same one), otherwise (a JIT grant, a
 * channel extension) the connector's connection that holds a leasable credential. Of several, the
 * narrowest scope's (a bundle on the channel before one on the workspace before the baseline).
 * Never a guess: none is `credential-not-found`, several at the narrowest scope are
 * `ambiguous-lease-connection`.
 */
export function pickLeaseConnection(
  connector: string,
  decisions: readonly Decision[],
  candidates: readonly LeaseConnectionCandidate[],
): string {
  const named = new Set<string>();
  let allNamed = true;
  for (const { provenance } of decisions) {
    const match = CONNECTION_RULE.exec(provenance.rule);
    if (match === null) allNamed = false;
    else named.add(match[1]);
  }
  const leasable = candidates.filter(
    (candidate) =>
      candidate.connector === connector &&
      candidate.leasable &&
      (!allNamed || named.has(candidate.connectionId)),
  );
  const narrowest = Math.min(...leasable.map((candidate) => candidate.rank ?? 0));
  const eligible = leasable.filter((candidate) => (candidate.rank ?? 0) === narrowest);
  if (eligible.length === 1) return eligible[0].connectionId;
  if (eligible.length === 0) {
    throw new DomainError(
      'conflict',
      'credential-not-found',
      `No connection of connector "${connector}" that allows this holds a credential a lease can hand out`,
    );
  }
  throw new DomainError(
    'conflict',
    'ambiguous-lease-connection',
    `Several connections of connector "${connector}" could back this lease (${eligible
      .map((candidate) => candidate.connectionId)
      .join(', ')}); ask for what one of them allows`,
  );
}

/**
 * The JIT grant a lease derives from, if any. A lease derives from one grant at most, so that
 * grant's end ends it; a request spanning several grants is refused (ask once per grant).
 */
export function leaseGrant(decisions: readonly Decision[]): { grantId: string; expiresAt: string } | null {
  const grants = new Map<string, string>();
  for (const { provenance } of decisions) {
    if (provenance.grantId !== undefined && provenance.expiresAt !== undefined) {
      grants.set(provenance.grantId, provenance.expiresAt);
    }
  }
  if (grants.size > 1) {
    throw new DomainError(
      'unprocessable',
      'lease-spans-grants',
      'These actions and resources are allowed by several JIT grants; ask for one lease per grant',
      [{ path: 'resources', message: `covered by grants ${[...grants.keys()].sort().join(', ')}` }],
    );
  }
  const [entry] = grants;
  return entry === undefined ? null : { grantId: entry[0], expiresAt: entry[1] };
}

/** The lease ends at the earliest of its maximum lifetime, its grant's end and the token's own expiry. */
export function leaseEnd(nowMs: number, maxTtlMs: number, ...ends: (string | null | undefined)[]): string {
  let end = nowMs + maxTtlMs;
  for (const instant of ends) if (instant) end = Math.min(end, Date.parse(instant));
  return new Date(end).toISOString();
}
