import {
  type AccessBundleEvent,
  accessBundleEventSchemas,
  type AccessRequestEvent,
  agentIdentityEventSchemas,
  type AgentIdentityEvent,
  channelEventSchemas,
  type ChannelEvent,
  type OrganizationMembershipEvent,
  organizationEventSchemas,
  organizationMembershipEventSchemas,
  workspaceEventSchemas,
  type WorkspaceEvent,
} from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { OrganizationPermissions } from './organization-permissions';
import type { WorkspacePermissions } from './workspace-permissions';

type Route = 'workspace' | 'agent-identity' | 'channel' | 'bundle' | 'grant' | 'organization' | 'membership';

const routes = new Map<string, Route>([
  ...workspaceEventSchemas.map(({ type }) => [type, 'workspace'] as const),
  ...agentIdentityEventSchemas.map(({ type }) => [type, 'agent-identity'] as const),
  ...channelEventSchemas.map(({ type }) => [type, 'channel'] as const),
  ...accessBundleEventSchemas.map(({ type }) => [type, 'bundle'] as const),
  ...organizationEventSchemas.map(({ type }) => [type, 'organization'] as const),
  ...organizationMembershipEventSchemas.map(({ type }) => [type, 'membership'] as const),
  ...['AccessGranted', 'AccessExtended', 'AccessRevoked', 'AccessExpired'].map(
    (type) => [type, 'grant'] as const,
  ),
]);

/** Event types that change effective permissions; every other event only advances the position. */
export const projectedEventTypes: ReadonlySet<string> = new Set(routes.keys());

/**
 * Folds one event of the workspace's own into it. The store validated (and upcast) `data` against
 * its schema. `organizationNow` says what an organization is at this point of the log, for a join.
 */
export function applyTo(
  target: WorkspacePermissions,
  route: Route,
  event: RecordedEvent,
  organizationNow: (organizationId: string) => OrganizationPermissions | undefined,
): void {
  const domainEvent = { type: event.type, data: event.data };
  switch (route) {
    case 'workspace':
      return target.applyWorkspace(domainEvent as WorkspaceEvent);
    case 'agent-identity':
      return target.applyAgentIdentity(domainEvent as AgentIdentityEvent);
    case 'channel':
      return target.applyChannel(domainEvent as ChannelEvent);
    case 'bundle': {
      // `access-bundle-<ws>.<bundleId>`: workspace ids hold no dot.
      const bundleId = event.streamId.slice(event.streamId.indexOf('.') + 1);
      const bundleEvent = domainEvent as AccessBundleEvent;
      if (bundleEvent.type === 'AccessBundleAttached') {
        target.attachedSince.attached(bundleEvent.data, bundleId, Date.parse(event.recordedAt));
      } else if (bundleEvent.type === 'AccessBundleDetached') {
        target.attachedSince.detached(bundleEvent.data, bundleId);
      }
      return target.applyBundle(bundleId, bundleEvent);
    }
    case 'grant':
      return applyGrantEvent(target, domainEvent as AccessRequestEvent);
    case 'membership': {
      const membership = domainEvent as OrganizationMembershipEvent;
      if (membership.type === 'WorkspaceJoinedOrganization') {
        target.attachedSince.joined(Date.parse(event.recordedAt));
      } else target.attachedSince.left();
      return target.applyMembership(membership, organizationNow(membership.data.organizationId));
    }
    case 'organization':
      // An organization's events are folded by the projection into its members (never reached here).
      return;
  }
}

function applyGrantEvent(target: WorkspacePermissions, event: AccessRequestEvent): void {
  switch (event.type) {
    case 'AccessGranted': {
      const { grantId, channelId, connector, actions, resources, expiresAt } = event.data;
      return target.grant({ grantId, channelId, connector, actions, resources, expiresAt });
    }
    case 'AccessExtended':
      return target.extend(event.data.grantId, event.data.newExpiresAt);
    case 'AccessRevoked':
    case 'AccessExpired':
      return target.endGrant(event.data.grantId);
    default:
      return;
  }
}

export const routeOf = (type: string): Route | undefined => routes.get(type);
