/** A grant as the watch stream tells it: where it applies and what it covers. */
export interface GrantScope {
  channelId: string;
  grantId: string;
  connector: string;
  actions: string[];
  resources: string[];
  expiresAt: string;
}

interface ChangeBase {
  /** The log position of the change (for an expiry by the clock: the position reached when told). */
  position: number;
  workspaceId: string;
  /** The event type that made it, or `expiresAt` for a grant's expiry told by the server's clock. */
  cause: string;
}

/**
 * One change of a workspace's effective permissions, as `GET /v1/workspaces/{ws}/watch` sends it
 * (a `change` event): every channel (`workspace`), one channel (`channel`), or what one grant
 * covers in its channel (`grant-*`).
 */
export type PermissionChange =
  | (ChangeBase & { kind: 'workspace' })
  | (ChangeBase & { kind: 'channel'; channelId: string })
  | (ChangeBase & GrantScope & { kind: 'grant-started' | 'grant-extended' })
  | (ChangeBase & GrantScope & { kind: 'grant-ended'; reason: 'revoked' | 'expired' });

/** Why the server ended a watch stream. */
export type WatchEnd =
  'timeout' | 'token-expired' | 'access-ended' | 'slow-consumer' | 'resume-too-old' | 'error';
