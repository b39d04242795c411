import type { ActiveGrant, ChannelEvent } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import { routeOf } from './effective-permissions.projection';
import { organizationOfStream } from './organization-permissions';

/** A grant as a watcher is told of it: where it applies and what it covers. */
export interface GrantScope {
  channelId: string;
  grantId: string;
  connector: string;
  actions: string[];
  resources: string[];
  expiresAt: string;
}

/**
 * What one applied event changed in a workspace's effective permissions, at its log position. The
 * scope is what a decision cache must forget: every answer of the workspace (`workspace`: the
 * baseline, bundles, roles, the kill switch), every answer in one channel (`channel`: its
 * overrides, members, visibility), or the answers a grant's (connector, actions, resources)
 * patterns cover in its channel (`grant-*`).
 */
export type PermissionChange =
  | { kind: 'workspace'; position: number; workspaceId: string; cause: string }
  | { kind: 'channel'; position: number; workspaceId: string; cause: string; channelId: string }
  | ({
      kind: 'grant-started' | 'grant-extended';
      position: number;
      workspaceId: string;
      cause: string;
    } & GrantScope)
  | ({
      kind: 'grant-ended';
      position: number;
      workspaceId: string;
      cause: string;
      reason: 'revoked' | 'expired';
    } & GrantScope);

/** The grant the projection holds before an event is applied (undefined: none, or already ended). */
export type GrantLookup = (workspaceId: string, grantId: string) => ActiveGrant | undefined;

/**
 * The change an event makes, told from the event and the grant it ends or extends as the projection
 * held it just before. Pure, so the live stream (the projection, before each apply) and a resumed
 * one (a replay of the log) derive the same change for the same event. Undefined: nothing a
 * decision depends on changed (an event the projection ignores, or one about a grant it no longer
 * holds, which the projection also ignores).
 */
export function permissionChangeOf(event: RecordedEvent, grantOf: GrantLookup): PermissionChange | undefined {
  const route = routeOf(event.type);
  const base = { position: event.globalPosition, workspaceId: event.workspaceId, cause: event.type };
  switch (route) {
    case undefined:
      return undefined;
    case 'workspace':
    case 'agent-identity':
    case 'bundle':
      return { kind: 'workspace', ...base };
    case 'channel':
      return { kind: 'channel', ...base, channelId: (event.data as ChannelEvent['data']).channelId };
    case 'grant':
      return grantChangeOf(event, base, grantOf);
    case 'membership':
      return { kind: 'workspace', ...base };
    case 'organization':
      // An organization's events change its members' answers: `organizationChangesOf` says which.
      return undefined;
  }
}

/**
 * What an event of an organization (its own stream or one of its bundles') changes: every answer of
 * each member workspace it reaches. Empty for any other event: those are their workspace's own.
 */
export function organizationChangesOf(event: RecordedEvent, members: Iterable<string>): PermissionChange[] {
  if (organizationOfStream(event.streamId) === undefined) return [];
  return [...members].map((workspaceId) => ({
    kind: 'workspace' as const,
    position: event.globalPosition,
    workspaceId,
    cause: event.type,
  }));
}

function grantChangeOf(
  event: RecordedEvent,
  base: { position: number; workspaceId: string; cause: string },
  grantOf: GrantLookup,
): PermissionChange | undefined {
  const data = event.data as { grantId: string; newExpiresAt?: string } & Partial<GrantScope>;
  if (event.type === 'AccessGranted') {
    const { channelId = '', connector = '', actions = [], resources = [], expiresAt = '' } = data;
    return {
      kind: 'grant-started',
      ...base,
      ...scope({ grantId: data.grantId, channelId, connector, actions, resources, expiresAt }),
    };
  }
  const held = grantOf(event.workspaceId, data.grantId);
  if (held === undefined) return undefined;
  if (event.type === 'AccessExtended') {
    return {
      kind: 'grant-extended',
      ...base,
      ...scope({ ...held, expiresAt: data.newExpiresAt ?? held.expiresAt }),
    };
  }
  const reason = event.type === 'AccessRevoked' ? 'revoked' : 'expired';
  return { kind: 'grant-ended', ...base, reason, ...scope(held) };
}

const scope = (grant: ActiveGrant): GrantScope => ({
  channelId: grant.channelId,
  grantId: grant.grantId,
  connector: grant.connector,
  actions: [...grant.actions],
  resources: [...grant.resources],
  expiresAt: grant.expiresAt,
});

/** The channel a change is confined to, or undefined when it concerns every channel. */
export const channelOfChange = (change: PermissionChange): string | undefined =>
  change.kind === 'workspace' ? undefined : change.channelId;
