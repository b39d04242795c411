import {
  type ApprovalPolicy,
  approvalPolicyDecider,
  approvalPolicyStreamId,
  type ApproverSet,
  type Decision,
  isDomainError,
  resolveRequestPolicy,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import type { EffectivePermissionsProjection } from '@mandate/projections';
import { validateTarget } from '../access/access-request.target';
import { foldHistory } from '../core/command-runner';
import type { CheckRequest } from '../permissions/permissions.schemas';

/**
 * The AuthZEN access request profile's requestable denial (`context.access_request`): the denial
 * stands, and says how a JIT request could lift it — under which rule of the approval policy, who
 * approves, for how long at most — and where to file it. Filing is Mandate's own access-request
 * route; the request is checked again there, against the policy and identity of that moment.
 */
export interface AccessRequestHint {
  requestable: true;
  /** The access-request route of the workspace (`POST`, scope `access:request`). */
  endpoint: string;
  /** The rule of the approval policy that applies: `default`, `<connector>` or `<connector>:<action>`. */
  template: string;
  /** The layer that denied, which a JIT grant overrides: `overlay`, `restrict` or `default`. */
  reason: 'overlay' | 'restrict' | 'default';
  approval: {
    /** Every set must be satisfied: anyone holding one of its roles, or listed. */
    approvers: ApproverSet[];
    quorum: number;
    maxDurationSeconds: number;
    approvalTimeoutSeconds: number;
    /** Requests up to this duration are approved without a vote; null: always a vote. */
    autoApproveUpToSeconds: number | null;
    reasonRequired: boolean;
  };
  /** The body to post, once `durationSeconds` (and a `reason`) are added. */
  request: {
    channelId: string;
    connector: string;
    actions: string[];
    resources: string[];
    invokedBy?: string;
  };
  /** Where the request's outcome can be followed: its status, or the workspace's update stream (SSE). */
  status: { request: string; updates: string };
}

/**
 * Denials a JIT grant lifts (evaluation order steps 2 and 3 yield to step 4, and a grant allows
 * where no rule does). A kill switch, a forbid, an unknown or archived channel and a malformed
 * resource are never requestable.
 */
const liftable = (decision: Decision): AccessRequestHint['reason'] | undefined => {
  const { layer, rule } = decision.provenance;
  if (layer === 'overlay' || layer === 'restrict') return layer;
  return layer === 'default' && rule === 'default-deny' ? 'default' : undefined;
};

const templateOf = (policy: ApprovalPolicy, connector: string, action: string): string => {
  const overrides = policy.overrides.filter((override) => override.connector === connector);
  if (overrides.some((override) => override.action === action)) return `${connector}:${action}`;
  return overrides.some((override) => override.action === undefined) ? connector : 'default';
};

const MAX_ROUTES = 1024;

type RuleHint = Pick<AccessRequestHint, 'template' | 'approval'>;

/** A workspace's approval policy as of one projection position, and its rules resolved so far. */
interface PolicyAt {
  position: number;
  loading: Promise<ApprovalPolicy>;
  policy?: ApprovalPolicy;
  /** `<connector>\0<action>` → the rule that applies, resolved once for every denial that needs it. */
  rules: Map<string, RuleHint>;
  /** The hints built at this position, by resource (`keptHint`). */
  hints: Map<string, KeptHint[]>;
  /** How many hints `hints` holds. */
  kept: number;
}

/** A hint built at one position (null: no request could lift the denial), with what it was built for. */
interface KeptHint {
  baseUrl: string;
  channelId: string;
  connector: string;
  action: string;
  invokedBy: string | undefined;
  hint: AccessRequestHint | null;
}

/** Hints kept per workspace and position before the table starts over. */
export const MAX_HINTS_PER_POSITION = 4096;
/** Hints kept per resource (for other channels, actions, invokers or base URLs) before its list starts over. */
const MAX_HINTS_PER_RESOURCE = 32;

/**
 * The hint kept for every field it is built from besides the workspace state: found by the
 * resource, then each other field compared (no key is built per denial: comparing a few short
 * fields costs less than writing them into one).
 */
function keptHint(policy: PolicyAt, check: CheckRequest, baseUrl: string): KeptHint | undefined {
  const built = policy.hints.get(check.resource);
  if (built === undefined) return undefined;
  for (const kept of built) {
    if (
      kept.channelId === check.channelId &&
      kept.connector === check.connector &&
      kept.action === check.action &&
      kept.invokedBy === check.invokedBy &&
      kept.baseUrl === baseUrl
    ) {
      return kept;
    }
  }
  return undefined;
}

function keepHint(
  policy: PolicyAt,
  check: CheckRequest,
  baseUrl: string,
  hint: AccessRequestHint | null,
): void {
  if (policy.kept >= MAX_HINTS_PER_POSITION) {
    policy.hints.clear();
    policy.kept = 0;
  }
  const { channelId, connector, action, invokedBy, resource } = check;
  const kept: KeptHint = { baseUrl, channelId, connector, action, invokedBy, hint };
  const built = policy.hints.get(resource);
  if (built === undefined) policy.hints.set(resource, [kept]);
  else {
    // Bounds the comparisons one lookup makes, whatever invokers and hosts one resource is asked with.
    if (built.length >= MAX_HINTS_PER_RESOURCE) {
      policy.kept -= built.length;
      built.length = 0;
    }
    built.push(kept);
  }
  policy.kept++;
}

/**
 * Builds the hint for a current denial. The approval policy (its own stream) is read once per
 * workspace and projection position: a policy written since is picked up as soon as the answer's
 * position moves past it, so the hint is never older than the decision it comes with. Once read,
 * hints are built synchronously, each (connector, action) rule resolved once, and each hint is
 * kept for that position: what it is built from (the catalog, the channel, the kill switch, the
 * forbids, the policy) changes only with an event, never with the clock (forbids do not expire;
 * grants, which do, never make a target unrequestable). A PEP asking again about what it was
 * refused gets the same hint without the request checks being run again. Only hints are kept:
 * every decision is evaluated afresh.
 */
export class AccessRequestHints {
  private readonly policies = new Map<string, PolicyAt>();
  private readonly routes = new Map<string, Pick<AccessRequestHint, 'endpoint' | 'status'>>();

  constructor(
    private readonly store: EventStore,
    private readonly projection: EffectivePermissionsProjection,
  ) {}

  /** The hint for this answer, or undefined when no JIT request could lift it. */
  hintFor(
    check: CheckRequest,
    decision: Decision,
    baseUrl: string,
    nowMs: number,
  ): AccessRequestHint | undefined | Promise<AccessRequestHint | undefined> {
    if (decision.allowed || check.at !== undefined) return undefined;
    const reason = liftable(decision);
    if (reason === undefined) return undefined;
    const policy = this.policyAt(check.workspaceId);
    const known = keptHint(policy, check, baseUrl);
    if (known !== undefined && known.hint === null) return undefined;
    if (known?.hint?.reason === reason) return known.hint;
    const built = this.build(check, reason, baseUrl, nowMs, policy);
    if (built instanceof Promise) return built;
    if (known === undefined) keepHint(policy, check, baseUrl, built ?? null);
    else known.hint = built ?? null;
    return built;
  }

  private build(
    check: CheckRequest,
    reason: AccessRequestHint['reason'],
    baseUrl: string,
    nowMs: number,
    policy: PolicyAt,
  ): AccessRequestHint | undefined | Promise<AccessRequestHint | undefined> {
    const request = {
      channelId: check.channelId,
      connector: check.connector,
      actions: [check.action],
      resources: [check.resource],
      ...(check.invokedBy === undefined ? {} : { invokedBy: check.invokedBy }),
    };
    try {
      // The checks the access-request route makes before starting anything (catalog, forbid, kill switch).
      validateTarget(this.projection.workspace(check.workspaceId), request, nowMs, true);
    } catch (error) {
      if (isDomainError(error)) return undefined;
      throw error;
    }
    const { endpoint, status } = this.routesOf(baseUrl, check.workspaceId);
    // Frozen: one hint is answered to every PEP asking the same thing at this position.
    const hint = ({ template, approval }: RuleHint): AccessRequestHint =>
      Object.freeze({
        requestable: true as const,
        endpoint,
        template,
        reason,
        approval,
        request: Object.freeze(request),
        status,
      });
    if (policy.policy !== undefined)
      return hint(ruleOf(policy, policy.policy, check.connector, check.action));
    return policy.loading.then((loaded) => hint(ruleOf(policy, loaded, check.connector, check.action)));
  }

  /** The workspace's request routes, built once per base URL (a hint is answered by the thousand). */
  private routesOf(baseUrl: string, workspaceId: string): Pick<AccessRequestHint, 'endpoint' | 'status'> {
    const key = `${baseUrl}\u0000${workspaceId}`;
    let routes = this.routes.get(key);
    if (routes === undefined) {
      const route = `${baseUrl}/v1/workspaces/${workspaceId}`;
      routes = Object.freeze({
        endpoint: `${route}/access-requests`,
        status: Object.freeze({
          request: `${route}/access-requests/{requestId}`,
          updates: `${route}/access-request-updates`,
        }),
      });
      // Base URLs come from Host headers when API_PUBLIC_URL is unset: bounded, not kept forever.
      if (this.routes.size >= MAX_ROUTES) this.routes.clear();
      this.routes.set(key, routes);
    }
    return routes;
  }

  private policyAt(workspaceId: string): PolicyAt {
    const position = this.projection.position;
    const cached = this.policies.get(workspaceId);
    if (cached !== undefined && cached.position === position) return cached;
    const loading = this.store
      .readStream(approvalPolicyStreamId(workspaceId))
      .then((history) => foldHistory(approvalPolicyDecider, history).policy);
    const entry: PolicyAt = { position, loading, rules: new Map(), hints: new Map(), kept: 0 };
    loading.then(
      (policy) => void (entry.policy = policy),
      // A failed read is not remembered: the next denial reads again.
      () => {
        if (this.policies.get(workspaceId) === entry) this.policies.delete(workspaceId);
      },
    );
    this.policies.set(workspaceId, entry);
    return entry;
  }
}

function ruleOf(entry: PolicyAt, policy: ApprovalPolicy, connector: string, action: string): RuleHint {
  const key = `${connector}\u0000${action}`;
  const known = entry.rules.get(key);
  if (known !== undefined) return known;
  const { resolved, reasonRequired } = resolveRequestPolicy(policy, connector, [action]);
  const rule: RuleHint = {
    template: templateOf(policy, connector, action),
    approval: {
      approvers: resolved.approvers,
      quorum: resolved.quorum,
      maxDurationSeconds: resolved.maxDurationSeconds,
      approvalTimeoutSeconds: resolved.approvalTimeoutSeconds,
      autoApproveUpToSeconds: resolved.autoApproveUpToSeconds,
      reasonRequired,
    },
  };
  entry.rules.set(key, rule);
  return rule;
}
