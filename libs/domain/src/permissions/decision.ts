import type { OverlayCondition } from './overlay-rule';

/**
 * The layers of the evaluation order, first match wins (forbid → restrict → jit → channel →
 * baseline → default); `invoke` appears only on agent actions whose invoking principal is refused.
 */
export type PermissionLayer =
  'disabled' | 'forbid' | 'overlay' | 'restrict' | 'jit' | 'channel' | 'baseline' | 'default' | 'invoke';

/** Why an answer is what it is: the layer and rule that decided it (and for JIT, which grant until when). */
export interface Provenance {
  layer: PermissionLayer;
  /** Qualified rule reference, e.g. `workspace/connections/github-main`, `channel/eng/restrictions/no-infra`. */
  rule: string;
  /** The resource pattern of the rule that matched. */
  pattern?: string;
  grantId?: string;
  expiresAt?: string;
  /** The access bundle whose connection allowed it (`baseline`: the workspace baseline's own). */
  bundle?: string;
  /** Where that bundle is attached: the narrowest scope the answer comes from. */
  scope?: 'organization' | 'workspace' | 'channel';
  /** For `overlay`: which invoker condition failed (`role:approver`, `principals`, `invoker-can`, `no-invoker`…). */
  condition?: OverlayCondition;
}

export interface Decision {
  allowed: boolean;
  reason: string;
  provenance: Provenance;
}

/** May the agent in `channelId` do `action` on `resource` of `connector`? */
export interface PermissionQuery {
  channelId: string;
  connector: string;
  action: string;
  resource: string;
  /** The principal the agent acts for; absent for work nobody invoked (scheduled tasks, alerts). */
  invokedBy?: string;
  /**
   * What the invoker may do themselves at the connector, as the API observed it before evaluating
   * (never from the caller): read by `invokerCan` overlays; absent means never observed.
   */
  invokerRight?: ObservedInvokerRight;
}

/** The invoker's own permission on the resource at the connector (GitHub: `none`…`admin`). */
export interface ObservedInvokerRight {
  permission: string;
  /** ISO-8601: when it was observed (recorded as `InvokerRightObserved`). */
  observedAt: string;
}

/** Answer of the memory, invoke and egress checks. */
export interface BoundaryDecision {
  allowed: boolean;
  reason: string;
  rule: string;
  /** Set only when the kill switch decided (`disabled`): the rule then names the disabled scope. */
  layer?: 'disabled';
  /** For an allow by a JIT grant (egress): which grant, and until when it allows. */
  grantId?: string;
  expiresAt?: string;
}

/** A time-bound allow produced by an approved access request; revocation removes it. */
export interface ActiveGrant {
  grantId: string;
  channelId: string;
  connector: string;
  actions: string[];
  resources: string[];
  /** ISO-8601; the grant allows while `now < expiresAt`. */
  expiresAt: string;
}

const deny = (rule: string, reason: string): Decision =>
  Object.freeze({ allowed: false, reason, provenance: Object.freeze({ layer: 'default' as const, rule }) });

/** Shared answers, allocated once. */
export const defaultDecisions = {
  noRule: deny('default-deny', 'No rule allows this action'),
  unknownChannel: deny('unknown-channel', 'The channel is unknown'),
  archivedChannel: deny('archived-channel', 'The channel is archived'),
  malformedResource: deny(
    'malformed-resource',
    "The resource is not a name in the connector's syntax: no wildcards, empty or relative segments, " +
      'control, format or edge-space characters, or percent-escapes',
  ),
};
